// The "Request release" action of one item, wired to the workspace's release board.
import { useState } from 'react';
import type { Envelope } from '../../../shared/protocol';
import { isPending } from '../../../shared/release';
import { useReleaseBoard } from '../session/hooks';
import type { ReleaseBoard } from '../session/releaseBoard';
import { useWorkspace } from '../workspace/context';
import { objectLabel } from '../workspace/objectLabel';
import { paragraphsOf } from '../workspace/selectors';
import { ReleaseRequestDialog } from './ReleaseRequestDialog';

export function RequestReleaseControl({ envelope, board }: { envelope: Envelope; board: ReleaseBoard }) {
  const { picture, picker, snapshot } = useWorkspace();
  const { mine } = useReleaseBoard(board);
  const [open, setOpen] = useState(false);
  const latest = mine.find((request) => request.objectId === envelope.id) ?? null;
  const pending = latest !== null && isPending(latest);
  const paragraphs = envelope.kind === 'report' ? paragraphsOf(snapshot.objects, envelope.id) : [];

  if (!open) {
    return (
      <button type="button" className="link-button" onClick={() => setOpen(true)} aria-label={`Request release ${envelope.portion}`}>
        {pending ? 'Release requested' : 'Request release'}
      </button>
    );
  }
  return (
    <ReleaseRequestDialog
      envelope={envelope}
      objectName={objectLabel(envelope, picture)}
      picker={picker}
      releasePolicy={snapshot.workspace?.releasePolicy}
      latest={latest}
      onRequest={(marking, justification) => board.request(envelope.id, marking, justification)}
      paragraphs={paragraphs}
      onRequestParagraph={(id, marking, justification) => board.request(id, marking, justification)}
      onWithdraw={(requestId) => board.decide(requestId, 'withdraw')}
      onClose={() => setOpen(false)}
    />
  );
}
