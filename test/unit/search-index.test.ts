// The client's search index (client/src/search/searchIndex.ts) is kept across searches: a refresh
// indexes only the objects whose content or marking changed, and drops at once those that left
// the picture (narrowed away, deleted), so nothing no longer releasable can still be found.
import { describe, expect, it } from 'vitest';
import { bodyOf, buildContent } from '../../shared/content';
import type { Envelope } from '../../shared/protocol';
import { ObjectReplica } from '../../client/src/session/replica';
import { PictureIndex, search } from '../../client/src/search/searchIndex';

function envelope(id: string, marking = 'SECRET//REL TO USA, GBR'): Envelope {
  return { id, workspaceId: 'ws1', kind: 'note', marking, portion: '(S)', originator: 'USA', parentId: null, orderKey: 'a0', createdBy: 'usa-analyst', createdAt: '2025-01-01T00:00:00.000Z', epoch: 0 };
}

function picture(texts: Record<string, string>) {
  const replicas = new Map(Object.entries(texts).map(([id, body]) => [id, new ObjectReplica(id, 0, buildContent({ body }), () => undefined)]));
  return { replicas, replicaOf: (id: string) => replicas.get(id) };
}

const found = (index: PictureIndex, query: string, filters = {}) => search(index.index, query, filters).map((hit) => hit.id);

describe('PictureIndex', () => {
  it('indexes everything once, then only what changed', () => {
    const { replicas, replicaOf } = picture({ n1: 'Convoy sighted near the quay.', n2: 'Harbour quiet.', n3: 'Pilot boat delayed.' });
    let objects = [envelope('n1'), envelope('n2'), envelope('n3')];
    const index = new PictureIndex();
    expect(index.refresh(objects, replicaOf)).toEqual({ indexed: 3, dropped: 0 });
    expect(found(index, 'convoy')).toEqual(['n1']);
    expect(index.refresh(objects, replicaOf)).toEqual({ indexed: 0, dropped: 0 });

    bodyOf(replicas.get('n2')!.doc).insert(0, 'Convoy gone. ');
    expect(index.refresh(objects, replicaOf)).toEqual({ indexed: 1, dropped: 0 });
    expect(found(index, 'convoy').sort()).toEqual(['n1', 'n2']);

    objects = [envelope('n1', 'SECRET//NOFORN'), envelope('n2'), envelope('n3')];
    expect(index.refresh(objects, replicaOf)).toEqual({ indexed: 1, dropped: 0 });
    expect(found(index, 'convoy', { marking: 'SECRET//NOFORN' })).toEqual(['n1']);
  });

  it('forgets at once an object that left the picture, and finds it again only if it comes back', () => {
    const { replicaOf } = picture({ n1: 'Kestrel source report.', n2: 'Harbour quiet.' });
    const index = new PictureIndex();
    index.refresh([envelope('n1'), envelope('n2')], replicaOf);
    expect(found(index, 'kestrel')).toEqual(['n1']);
    expect(index.refresh([envelope('n2')], replicaOf)).toEqual({ indexed: 0, dropped: 1 });
    expect(found(index, 'kestrel')).toEqual([]);
    expect(index.index.documentCount).toBe(1);
    index.refresh([envelope('n1'), envelope('n2')], replicaOf);
    expect(found(index, 'kestrel')).toEqual(['n1']);
  });

  it('indexes a replica that arrives after its envelope', () => {
    const { replicas, replicaOf } = picture({});
    const index = new PictureIndex();
    index.refresh([envelope('n1')], replicaOf);
    expect(found(index, 'ferry')).toEqual([]);
    replicas.set('n1', new ObjectReplica('n1', 0, buildContent({ body: 'Ferry cancelled.' }), null));
    expect(index.refresh([envelope('n1')], replicaOf)).toEqual({ indexed: 1, dropped: 0 });
    expect(found(index, 'ferry')).toEqual(['n1']);
  });
});
