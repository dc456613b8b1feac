// An RFI's life: open → assigned (to a nation) → answered.
export const RFI_STATUSES = ['open', 'assigned', 'answered'] as const;
export type RfiStatus = (typeof RFI_STATUSES)[number];

export const STATUS_LABELS: Record<RfiStatus, string> = { open: 'Open', assigned: 'Assigned', answered: 'Answered' };

export function statusOf(value: unknown): RfiStatus {
  return RFI_STATUSES.includes(value as RfiStatus) ? (value as RfiStatus) : 'open';
}
