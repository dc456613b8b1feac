// Scrolls an object's element into view and puts the caret in its first field, once it is rendered.
// A map feature's own element is its details panel, not its shape on the map.

const ID_ATTRIBUTES = ['data-feature-id', 'data-report-id', 'data-portion-id', 'data-event-id', 'data-rfi-id'];

/** True when the object's element was found (and focused); false when it is not rendered yet, or hidden (the picture kept while another page shows). */
export function focusObjectElement(id: string): boolean {
  const selector = ID_ATTRIBUTES.map((attribute) => `[${attribute}="${CSS.escape(id)}"]:not(g)`).join(', ');
  const element = document.querySelector<HTMLElement>(selector);
  if (!element || element.closest('[hidden]')) return false;
  element.scrollIntoView({ block: 'nearest' });
  const field = element.querySelector<HTMLElement>('input:not([readonly]), textarea:not([readonly])');
  (field ?? element).focus({ preventScroll: true });
  return true;
}
