-- A commit of updates in one round trip (PostgresStore.appendUpdates): the lock of the objects'
-- rows, the fence, the tombstone check and every row written, in one function called as one
-- statement in autocommit, instead of BEGIN, a lock, a statement and COMMIT (four round trips).
-- Only adds the function: a node still running the earlier code path (a rolling upgrade) writes as
-- it did, and both lock the object rows in the same order.
--
-- Its statements run in sequence, each with a snapshot of its own (READ COMMITTED, a VOLATILE
-- function): the tombstones are read after the lock is held, so a deletion that committed while
-- this waited for the lock is seen, as it was by the statement after the lock before.
--
-- p_ids: the objects written, each once; p_held: the marking version the node holds of each (NULL:
-- none). One element per update in p_objects, p_epochs, p_data, p_authors; per new client binding
-- in p_bind_*. p_at: the history entries' time; p_relayed: published outbox rows to remove.
-- Answers `fenced` (the objects refused by the fence, in p_ids' order) and/or `deleted` (those with
-- a tombstone) and nothing is written; else each update's number, its outbox row's id (in the
-- order given) and, per object of p_ids, its cell, marking version and epoch start.
CREATE FUNCTION tearline_append_updates(
  p_ids TEXT[], p_held INT[],
  p_objects TEXT[], p_epochs INT[], p_data BYTEA[], p_authors TEXT[],
  p_bind_objects TEXT[], p_bind_clients BIGINT[], p_bind_authors TEXT[],
  p_at TEXT, p_relayed BIGINT[],
  OUT fenced TEXT[], OUT deleted TEXT[], OUT seqs BIGINT[], OUT outbox_ids BIGINT[],
  OUT workspace_ids TEXT[], OUT marking_versions INT[], OUT epoch_seqs BIGINT[])
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  -- The locked rows, as columns (in id order).
  l_ids TEXT[];
  l_workspaces TEXT[];
  l_epochs INT[];
  l_versions INT[];
  l_lasts BIGINT[];
  l_epoch_seqs BIGINT[];
BEGIN
  -- Locked in id order, as every writer locks object rows: two nodes' commits wait, never deadlock.
  -- Waiting for a row, FOR UPDATE answers the row as the other transaction committed it.
  SELECT array_agg(o.id), array_agg(o.workspace_id), array_agg(o.epoch), array_agg(o.marking_version), array_agg(o.last_seq), array_agg(o.epoch_seq)
    INTO l_ids, l_workspaces, l_epochs, l_versions, l_lasts, l_epoch_seqs
    FROM (SELECT id, workspace_id, epoch, marking_version, last_seq, epoch_seq FROM objects WHERE id = ANY(p_ids) ORDER BY id COLLATE "C" FOR UPDATE) o;

  -- The fence (fence.ts, HeldMarkings.admits): the row exists, every update's epoch is its epoch,
  -- and its marking version is the one held.
  SELECT array_agg(v.id ORDER BY v.n) FILTER (WHERE o.id IS NULL OR o.version IS DISTINCT FROM v.held
           OR EXISTS (SELECT 1 FROM unnest(p_objects, p_epochs) AS u(id, epoch) WHERE u.id = v.id AND u.epoch <> o.epoch)),
         array_agg(o.workspace_id ORDER BY v.n), array_agg(o.version ORDER BY v.n), array_agg(o.epoch_seq ORDER BY v.n)
    INTO fenced, workspace_ids, marking_versions, epoch_seqs
    FROM unnest(p_ids, p_held) WITH ORDINALITY AS v(id, held, n)
    LEFT JOIN unnest(l_ids, l_workspaces, l_epochs, l_versions, l_epoch_seqs) AS o(id, workspace_id, epoch, version, epoch_seq) ON o.id = v.id;
  -- A statement after the lock: it sees a deletion that committed while this waited for it.
  SELECT array_agg(t.object_id) INTO deleted FROM object_tombstones t WHERE t.object_id = ANY(p_ids);
  IF fenced IS NOT NULL OR deleted IS NOT NULL THEN
    RETURN;
  END IF;

  -- Each update numbered after its object's last, in the order given.
  WITH v AS MATERIALIZED (
    SELECT u.n, u.id, u.epoch, u.data, u.author, l.workspace_id, l.version,
           l.last_seq + row_number() OVER (PARTITION BY u.id ORDER BY u.n) AS seq
      FROM unnest(p_objects, p_epochs, p_data, p_authors) WITH ORDINALITY AS u(id, epoch, data, author, n)
      JOIN unnest(l_ids, l_workspaces, l_versions, l_lasts) AS l(id, workspace_id, version, last_seq) ON l.id = u.id
  ),
  stored AS (INSERT INTO doc_updates (object_id, seq, epoch, marking_version, data, author) SELECT id, seq, epoch, version, data, author FROM v),
  bound AS (INSERT INTO doc_clients (object_id, client_id, sub) SELECT * FROM unnest(p_bind_objects, p_bind_clients, p_bind_authors) ON CONFLICT DO NOTHING),
  history AS (INSERT INTO doc_history (object_id, epoch, seq, kind, at, author, data, before) SELECT id, epoch, seq, 'update', p_at, author, data, NULL FROM v),
  -- Ids are drawn in the order the rows are inserted: the order given.
  relayed AS (INSERT INTO outbox (workspace_id, object_id, kind, epoch, seq) SELECT workspace_id, id, 'update', epoch, seq FROM v ORDER BY n RETURNING id),
  advanced AS (UPDATE objects SET last_seq = m.last_seq FROM (SELECT id, max(seq) AS last_seq FROM v GROUP BY id) AS m WHERE objects.id = m.id),
  -- A row the sweeper holds (publishing it after an outage) is skipped, not waited for.
  removed AS (DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE id = ANY(p_relayed) FOR UPDATE SKIP LOCKED))
  SELECT (SELECT array_agg(v.seq ORDER BY v.n) FROM v), (SELECT array_agg(relayed.id ORDER BY relayed.id) FROM relayed)
    INTO seqs, outbox_ids;
END
$$;
