-- Dynamic tracking (动态跟踪) counts, for each official an assessment group
-- assesses, the problems they handled in a period from the problems' events
-- by actor; without this index each official would scan every event.
CREATE INDEX problem_events_actor ON problem_events(actor_id, at);
