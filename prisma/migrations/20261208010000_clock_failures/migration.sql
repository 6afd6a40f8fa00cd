-- How many of the log's failures the last correlation read: the clock panel shows it on every view of an incident, and
-- counting it there read every failing row again (a 1 M-line log's 14k: 35–130 ms a view, #18). Null until an
-- incident is correlated again: the panel then counts them as before.
ALTER TABLE "Incident" ADD COLUMN "clockFailures" INTEGER;
