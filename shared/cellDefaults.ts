// A new cell's default marking, the marking every new item starts from. An ad hoc coalition exists
// to share among its members, so unless its creator picks otherwise its items start releasable to
// every member nation: NOFORN by default is the habit Tearline is built to end.

/** The template's default marking, or (none: an ad hoc coalition) REL TO every member nation. */
export function defaultMarkingFor(templateMarking: string | null | undefined, nations: readonly string[]): string {
  if (templateMarking) return templateMarking;
  return nations.length > 1 ? `SECRET//REL TO ${nations.join(', ')}` : 'SECRET//NOFORN';
}
