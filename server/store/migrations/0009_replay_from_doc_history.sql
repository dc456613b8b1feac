-- Exercise replay reads each update from doc_history (0007), which has held every stored update
-- with its object, epoch and time since before exercise_updates (0008) existed: the copy goes, and
-- with it the INSERT … SELECT that every commit ran in every cell (issue 18). `at` is ISO 8601 UTC
-- text; replay compares it as text, which sorts as the moments do. exercise_history stays: the
-- envelopes (marking, parent, order, deletion) are nowhere else, and only exercise cells write it.
DROP TABLE exercise_updates;
