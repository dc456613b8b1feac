// Notes made and read through the socket, as the storage-fault tests use them: `writer` creates,
// `reader` is told of it; a replica is synced from the server, its text read from there.
import { bodyOf, buildContent } from '../../shared/content';
import { bytesOf, type Envelope } from '../../shared/protocol';
import type { TestClient } from './server';
import { textReplica } from './textReplica';

export async function createNote(writer: TestClient, reader: TestClient, workspaceId: string, marking: string, body: string): Promise<Envelope> {
  const { object } = await writer.ok('object:create', { workspaceId, kind: 'note', marking, content: buildContent({ body }) });
  await reader.waitFor('object:added', (e: Envelope) => e.id === object.id);
  return object;
}

/** A participant's replica of one object, synced from the server. */
export async function syncedReplica(client: TestClient, workspaceId: string, id: string) {
  return textReplica(bytesOf((await client.ok('doc:sync', { workspaceId, docs: [{ id }] })).docs[0]!.update));
}

export async function syncedText(client: TestClient, workspaceId: string, id: string): Promise<string> {
  return bodyOf((await syncedReplica(client, workspaceId, id)).doc).toString();
}
