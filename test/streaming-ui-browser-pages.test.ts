// The parts of the UI's pages that the browser test cannot check yet, because the pages do not
// have them yet: the charts, the receivers, the running and waiting tables, paging, the batch page
// and live updates. Each entry says what it will check, against the DOM contract of the pages
// (docs/ui.md, "Browser tests") and with numbers taken from the listener of
// test/support/ui-scenario.ts, never hard-coded; they are to be written, in the style of
// streaming-ui-browser.test.ts (its helpers are in test/support/browser.ts), once the pages exist.
import { describe, it } from 'vitest';

describe('/streaming/ in Chromium: the charts', () => {
  it.todo(
    '#stat-table caption starts "Timelines (Last <k> batches, <a> active, <c> completed)" with k, a, c from the listener',
  );
  it.todo(
    'has the four rows tr[data-metric=input-rate|scheduling-delay|processing-time|total-delay], each with one svg.timeline, one svg.histogram and an .avg',
  );
  it.todo(
    'each svg.timeline has one circle per retained batch, data-batch-time = the batch ms and data-value = the metric (records/s, or ms) from its BatchInfo, with a <title>',
  );
  it.todo(
    'each .avg reads Spark\'s "Avg: <value> <unit>", the mean of the retained batches\' values ("Avg: 1.50 events/sec", "Avg: 325 ms")',
  );
  it.todo(
    'the processing-time timeline draws line.batch-interval, the batch interval as a reference',
  );
  it.todo(
    'the rect.bar of each histogram count the batches: their data-count add up to the batches with a value for the metric',
  );
});

describe('/streaming/ in Chromium: the receivers', () => {
  it.todo(
    '#receivers (a <details> in the input-rate row) has one tr[data-stream-id] per input stream, with name, Status (ACTIVE/INACTIVE, "-" without receiver), Executor ID / Host',
  );
  it.todo(
    "a receiver's row shows the last error time and message the listener's ReceiverInfo holds, escaped (the scenario's 'line <b>7</b>')",
  );
  it.todo("each receiver's row has its own rate svg.timeline, one circle per retained batch");
});

describe('/streaming/ in Chromium: the batch tables', () => {
  it.todo(
    'table#running-batches lists the running batch (batch 3 of the scenario) under "Running Batches (1)", a tr[data-batch-time] per batch',
  );
  it.todo('table#waiting-batches lists the waiting batch (batch 4) under "Waiting Batches (1)"');
  it.todo(
    'table#completed-batches rows carry data-batch-time, newest first, and link a[href="/streaming/batch/?id=<ms>"] from their first cell',
  );
  it.todo(
    'completed.page and completed.pageSize page the completed table; nav.paging links lead to the other pages, and every batch appears on exactly one page',
  );
});

describe('/streaming/ in Chromium: beyond Spark', () => {
  it.todo(
    '#state-operators shows, per stateful operator, its keys and approximate bytes as the listener reports them',
  );
  it.todo('#task-threads shows the task threads of local[N] with tasks run and failed');
  it.todo('#configuration lists the settings in force (spark.ui.port among them)');
});

describe('/streaming/batch/ in Chromium', () => {
  it.todo(
    'clicking a completed batch\'s link opens "Details of batch at <formatted time>", screenshot at 375 and 1600 px',
  );
  it.todo(
    '#batch-summary shows Batch Duration, "<n> records", scheduling delay, processing time and total delay of its BatchInfo',
  );
  it.todo(
    'table#input-metadata lists each input stream with metadata (Input = stream name, Metadata = description), and is absent when no stream has any',
  );
  it.todo(
    'table#output-operations has one tr[data-output-op-id] per output operation: id, name (call site in a <details>), duration, Status (Succeeded/Failed/Running/Queued), Error',
  );
  it.todo(
    "the failed output operation's error (holding a <script>) shows as text, and no script runs",
  );
  it.todo(
    'without id the answer is 400 "Missing id parameter"; an unknown id, 404 "Batch <time> does not exist"',
  );
  it.todo('neither page scrolls sideways in a 375 px window');
});

describe('/streaming/ in Chromium: live updates', () => {
  it.todo(
    "without a reload, a batch completed after the page opened appears in the table and the charts, and body's data-updated moves on",
  );
  it.todo(
    'the page refreshes itself every batch interval, at least every 10 s and at most every 1 s',
  );
});
