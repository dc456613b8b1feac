-- Sequence numbers on the wire (docs/protocol.md, "Sequence numbers"): clients are given each
-- update's number counted within its epoch, so a partner a release added learns nothing of how
-- often the object was edited before. `epoch_seq` is the object's `last_seq` when its current epoch
-- began (0 at creation); an update's number on the wire is `seq - epoch_seq`.
ALTER TABLE objects ADD COLUMN epoch_seq BIGINT NOT NULL DEFAULT 0;
-- Objects already in a later epoch: where it began, as the history recorded it; failing that (an
-- epoch begun before history was kept), just before its first update still stored, else its last
-- number now. Never below where the epoch truly began, so nothing before it is counted.
UPDATE objects o SET epoch_seq = coalesce(
  (SELECT h.seq FROM doc_history h WHERE h.object_id = o.id AND h.epoch = o.epoch AND h.kind = 'base'),
  (SELECT min(u.seq) - 1 FROM doc_updates u WHERE u.object_id = o.id AND u.epoch = o.epoch),
  o.last_seq)
WHERE o.epoch > 0;
