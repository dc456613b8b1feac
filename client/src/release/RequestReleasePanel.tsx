// The "Request release" dialog of one item, wired to the workspace's release board.
import type { Envelope } from '../../../shared/protocol';
import { useReleaseBoard } from '../session/hooks';
import type { ReleaseBoard } from '../session/releaseBoard';
import { useWorkspace } from '../workspace/context';
import { objectLabel } from '../workspace/objectLabel';
import { paragraphsOf } from '../workspace/selectors';
import { ReleaseRequestDialog } from './ReleaseRequestDialog';

export function RequestReleasePanel({ envelope, board, onClose }: { envelope: Envelope; board: ReleaseBoard; onClose: () => void }) {
  const { picture, picker, snapshot } = useWorkspace();
  const { mine } = useReleaseBoard(board);
  const latest = mine.find((request) => request.objectId === envelope.id) ?? null;
  const paragraphs = envelope.kind === 'report' ? paragraphsOf(snapshot.objects, envelope.id) : [];
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
      onClose={onClose}
    />
  );
}
