-- A commit of updates in one round trip (PostgresStore.appendUpdates): the lock of the objects'
-- rows, the fence, the tombstone check and every row written, in one function called as one
-- statement in autocommit, instead of BEGIN, a lock, a statement and COMMIT (four round trips).
-- Only adds the function: a node still running the earlier code path (a rolling upgrade) writes as
-- it did, and both lock the object rows in the same order.
--
-- Its two statements run in sequence, each with a snapshot of its own (READ COMMITTED, a VOLATILE
-- function): the tombstones are read by the second, after the lock is held, so a deletion that
-- committed while the first waited for the lock is seen, as the statement after the lock saw it.
--
-- p_ids: the objects written, each once; p_held: the marking version the node holds of each (NULL:
-- none). One element per update in p_objects, p_epochs, p_data, p_authors; per new client binding
-- in p_bind_*. p_at: the history entries' time; p_relayed: published outbox rows to remove.
-- Answers `fenced` (the objects refused by the fence, in p_ids' order) and/or `deleted` (those with
-- a tombstone), and then nothing is written; else each update's number and its outbox row's id (in
-- the order given). And the locked rows (`ids`, in id order): cell, marking version, epoch start.
--
-- Every table is read by id through its index, whatever the statistics say. Its plans are generic,
-- made once per connection and again only when a table's statistics change. The outbox holds a
-- handful of live rows, so the planner chose a sequential scan to find the published rows a commit
-- removes (twice per commit). But every commit inserts a row and deletes another, so between two
-- autovacuums (a minute apart at best, never while a backup holds a snapshot) the outbox grows by a
-- page per ~100 commits of dead rows, and each commit read them all: PostgreSQL's buffers per
-- commit of one update went from 26 to 60–70 in the first minute of a run and stayed there
-- (docs/performance.md, "Session 11: PostgreSQL's CPU per edit over a long run"). The last
-- numbers' update names the locked rows' ids (not a join over every object row).
CREATE OR REPLACE FUNCTION tearline_append_updates(
  p_ids TEXT[], p_held INT[],
  p_objects TEXT[], p_epochs INT[], p_data BYTEA[], p_authors TEXT[],
  p_bind_objects TEXT[], p_bind_clients BIGINT[], p_bind_authors TEXT[],
  p_at TEXT, p_relayed BIGINT[],
  OUT fenced TEXT[], OUT deleted TEXT[], OUT seqs BIGINT[], OUT outbox_ids BIGINT[],
  OUT ids TEXT[], OUT workspace_ids TEXT[], OUT marking_versions INT[], OUT epoch_seqs BIGINT[])
-- Generic plans: with custom ones (plan_cache_mode auto keeps them, the arrays' lengths making
-- them look cheaper) each call planned its statements again, most of its CPU. No sequential scan:
-- every table is read by id through its index (see the header); plain index scans, which for a few
-- ids cost less CPU than a bitmap's (about 7 % of PostgreSQL's per commit in bench pg-long).
LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
DECLARE
  l_epochs INT[];
  l_lasts BIGINT[];
  i INT;
  j INT;
BEGIN
  -- Locked in id order, as every writer locks object rows: two nodes' commits wait, never deadlock.
  -- Waiting for a row, FOR UPDATE answers the row as the other transaction committed it.
  SELECT array_agg(o.id), array_agg(o.workspace_id), array_agg(o.marking_version), array_agg(o.epoch_seq), array_agg(o.epoch), array_agg(o.last_seq)
    INTO ids, workspace_ids, marking_versions, epoch_seqs, l_epochs, l_lasts
    FROM (SELECT id, workspace_id, marking_version, epoch_seq, epoch, last_seq FROM objects WHERE id = ANY(p_ids) ORDER BY id COLLATE "C" FOR UPDATE) o;

  -- The fence (fence.ts, HeldMarkings.admits): the row exists, its marking version is the one
  -- held, and every update's epoch is its epoch. Plain expressions: no statement to execute.
  FOR i IN 1 .. cardinality(p_ids) LOOP
    j := array_position(ids, p_ids[i]);
    IF j IS NULL OR marking_versions[j] IS DISTINCT FROM p_held[i] THEN
      fenced := fenced || p_ids[i];
    END IF;
  END LOOP;
  FOR i IN 1 .. cardinality(p_objects) LOOP
    j := array_position(ids, p_objects[i]);
    IF j IS NOT NULL AND l_epochs[j] <> p_epochs[i] AND NOT p_objects[i] = ANY(coalesce(fenced, '{}')) THEN
      fenced := fenced || p_objects[i];
    END IF;
  END LOOP;
  IF fenced IS NOT NULL THEN
    -- In p_ids' order, as the node lists them.
    fenced := ARRAY(SELECT v.id FROM unnest(p_ids) WITH ORDINALITY AS v(id, n) WHERE v.id = ANY(fenced) ORDER BY v.n);
  END IF;

  -- The tombstones, and every row, written only if neither they nor the fence refuse the commit.
  -- Each update numbered after its object's last, in the order given.
  WITH gone AS (SELECT t.object_id FROM object_tombstones t WHERE t.object_id = ANY(p_ids)),
  v AS MATERIALIZED (
    SELECT u.n, u.id, u.epoch, u.data, u.author, l.workspace_id, l.version,
           l.last_seq + row_number() OVER (PARTITION BY u.id ORDER BY u.n) AS seq
      FROM unnest(p_objects, p_epochs, p_data, p_authors) WITH ORDINALITY AS u(id, epoch, data, author, n)
      JOIN unnest(ids, workspace_ids, marking_versions, l_lasts) AS l(id, workspace_id, version, last_seq) ON l.id = u.id
     WHERE fenced IS NULL AND NOT EXISTS (SELECT 1 FROM gone)
  ),
  stored AS (INSERT INTO doc_updates (object_id, seq, epoch, marking_version, data, author) SELECT id, seq, epoch, version, data, author FROM v),
  bound AS (INSERT INTO doc_clients (object_id, client_id, sub)
    SELECT b.* FROM unnest(p_bind_objects, p_bind_clients, p_bind_authors) AS b WHERE EXISTS (SELECT 1 FROM v) ON CONFLICT DO NOTHING),
  history AS (INSERT INTO doc_history (object_id, epoch, seq, kind, at, author, data, before) SELECT id, epoch, seq, 'update', p_at, author, data, NULL FROM v),
  -- Ids are drawn in the order the rows are inserted: the order given.
  relayed AS (INSERT INTO outbox (workspace_id, object_id, kind, epoch, seq) SELECT workspace_id, id, 'update', epoch, seq FROM v ORDER BY n RETURNING id),
  -- `objects.id = ANY(ids)`: the rows are found through the primary key, not by a scan of all.
  advanced AS (UPDATE objects SET last_seq = m.last_seq FROM (SELECT id, max(seq) AS last_seq FROM v GROUP BY id) AS m WHERE objects.id = m.id AND objects.id = ANY(ids)),
  -- A row the sweeper holds (publishing it after an outage) is skipped, not waited for.
  removed AS (DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE id = ANY(p_relayed) AND EXISTS (SELECT 1 FROM v) FOR UPDATE SKIP LOCKED))
  SELECT (SELECT array_agg(gone.object_id) FROM gone), (SELECT array_agg(v.seq ORDER BY v.n) FROM v), (SELECT array_agg(relayed.id ORDER BY relayed.id) FROM relayed)
    INTO deleted, seqs, outbox_ids;
END
$$;
