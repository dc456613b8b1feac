// A notification in words, naming its object by the title this participant's own picture holds.
import type { Notification } from '../../../shared/protocol';

const OUTCOMES: Record<string, string> = {
  approved: 'approved',
  denied: 'denied',
  auto_released: 'released automatically at the deadline',
  expired: 'let expire',
  failed: 'could not carry out',
};

export function notificationText(n: Notification, label: string): string {
  const who = n.actor ? `${n.actor.name} (${n.actor.nation})` : 'Tearline';
  switch (n.kind) {
    case 'release_decided': {
      const outcome = OUTCOMES[n.outcome ?? ''] ?? n.outcome ?? 'decided';
      const subject = n.outcome === 'auto_released' || n.outcome === 'expired' ? `Your release request for ${label} was ${outcome}` : `${who} ${outcome} your release request for ${label}`;
      return n.reason ? `${subject}: ${n.reason}` : subject;
    }
    case 'release_requested':
      return `${who} asks you to release ${label}`;
    case 'released_to_me':
      return `${label} was released to your nation`;
    case 'rfi_assigned':
      return `${who} assigned ${label} to your nation`;
    case 'rfi_answered':
      return `${who} answered ${label}`;
    case 'mention':
      return `${who} mentioned you: ${label}`;
    case 'reply':
      return `${who} replied: ${label}`;
    case 'suggestion_made':
      return `${who} suggested a change to ${label}`;
    case 'suggestion_decided':
      return `${who} ${n.outcome === 'accepted' ? 'accepted' : 'rejected'} your suggestion for ${label}`;
    case 'exercise_message':
      return `Exercise message from ${who}: ${n.message?.title ?? label}${n.message?.text ? ` (${n.message.text})` : ''}`;
  }
}
