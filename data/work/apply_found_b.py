"""Working script (half B): copy the look-ups recorded in data/work/found_b.tsv
(worktable row index, date, how, evidence) into source_dates_worktable.csv; then add the
'announced in advance' notes for events whose pages were found to predate them. Removed with
data/work once the table is final."""
import csv
import pandas as pd
W = pd.read_csv('data/work/source_dates_worktable.csv', dtype=str, keep_default_na=False)
with open('data/work/found_b.tsv', newline='') as fh:
    for idx, date, how, evidence in csv.reader(fh, delimiter='\t'):
        i = int(idx)
        assert W.at[i, 'table'] == 'E' and W.at[i, 'date'] in ('', date), (i, W.loc[i].to_dict())
        W.loc[i, ['date', 'how', 'evidence']] = [date, how, evidence]
W.to_csv('data/work/source_dates_worktable.csv', index=False)
NOTES = {
    '2024-03-25-other_bilateral_meeting':
        " Announced in advance: [1] (dated 2024-03-24) announces the visit 'on Monday, 25 March 2024'; "
        "[2] (dated 2024-03-25) reports the delegation 'scheduled to arrive' that day.",
}
path = 'data/reference/engagement_events.csv'
E = pd.read_csv(path, dtype=str, keep_default_na=False)
for eid, add in NOTES.items():
    j = E.index[E.event_id == eid][0]
    if add.strip() not in E.at[j, 'date_note']:
        base, sep, rest = E.at[j, 'date_note'].partition('; publication date not established')
        E.at[j, 'date_note'] = base.rstrip() + add + (sep + rest if sep else '')
E.to_csv(path, index=False)
