// What a participant is told about: release decisions, requests waiting for an FDO, material newly
// released to them, RFIs assigned to or answered for their nation, mentions and replies,
// suggestions on their nation's paragraphs and the decision on their own suggestions. A
// notification names one object by id only: the reader's own replica gives its title, so a
// notification can carry nothing of an object beyond what its reader already holds.

export const NOTIFICATION_KINDS = [
  'release_decided',
  'release_requested',
  'released_to_me',
  'rfi_assigned',
  'rfi_answered',
  'mention',
  'reply',
  'suggestion_made',
  'suggestion_decided',
  'exercise_message',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Who a notification is for: one person, the FDOs of a nation, or every member of a nation. */
export type NotificationTarget =
  | { kind: 'person'; sub: string }
  | { kind: 'fdos'; nation: string }
  | { kind: 'nation'; nation: string };

export interface Notification {
  id: string;
  workspaceId: string;
  kind: NotificationKind;
  /**
   * The object it is about (for a mention or reply, the comment); a reader who may not see it is
   * never given the notification.
   */
  objectId: string;
  /** ISO 8601 UTC. */
  at: string;
  /** Who caused it, when a person did. */
  actor: { name: string; nation: string } | null;
  /** release_decided and release_requested: the request and (decided) its state; suggestion_decided: `accepted` or `rejected`. */
  requestId?: string;
  outcome?: string;
  /** A denial's or failure's reason, as the requester reads it in the release dialog. */
  reason?: string;
  /**
   * exercise_message: an exercise's message to this role player, marked as its object (a note
   * in the cell holding the title only): only its addressee is given the text.
   */
  message?: { title: string; text: string };
  read: boolean;
}

/** A person as a mention names them: a participant's subject, or a whole nation's members. */
export type Mention = { kind: 'person'; sub: string } | { kind: 'nation'; nation: string };

/** `@JPN` (three capitals) mentions a nation's cell members; `@someone` a person by subject. */
export function mentionsIn(text: string): Mention[] {
  const seen = new Set<string>();
  const out: Mention[] = [];
  for (const match of text.matchAll(/(?:^|[^\w@])@([A-Za-z0-9_.:-]{2,64})/g)) {
    const word = match[1]!.replace(/[.:-]+$/, '');
    if (seen.has(word)) continue;
    seen.add(word);
    out.push(/^[A-Z]{3}$/.test(word) ? { kind: 'nation', nation: word } : { kind: 'person', sub: word });
  }
  return out;
}
