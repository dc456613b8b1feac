-- Exercise runners (server/exercise/runner.ts): the scenario, its cells and the runner's state,
-- replaced after each step so a restarted node carries the exercise on where it stood. Only the
-- node that runs an exercise (`node`, TEARLINE_NODE_ID) restores it.
CREATE TABLE exercises (
  id TEXT PRIMARY KEY,
  node TEXT NOT NULL,
  scenario TEXT NOT NULL,
  cells JSONB NOT NULL,
  state TEXT NOT NULL,
  created BIGSERIAL NOT NULL
);
CREATE INDEX exercises_by_node ON exercises (node, created);
