"""Working script (issue 13): copy the URL -> date table into source_date of the event log, and mark
rows whose page dates are not (all) established. Not part of the package; removed once the table is
final. (Writes engagement_events.csv only; violence_figures.csv is dated on another branch.)"""
import re
import pandas as pd
W = pd.read_csv('data/work/source_dates_worktable.csv', dtype=str, keep_default_na=False)
dates = dict(zip(W.url, W.date))
looked = dict(zip(W.url, W.how))
MARK = re.compile(r'(; )?publication date not established \([^)]*\)\.?')
WHY = {'searched': 'page not found in the searched copies',
       'searched-not-found': 'searched, no dated copy found'}
for name, note in (('engagement_events', 'date_note'),):
    path = f'data/reference/{name}.csv'
    d = pd.read_csv(path, dtype=str, keep_default_na=False)
    out, notes = [], []
    for urls, text in zip(d.source_url, d[note]):
        parts = [u.strip() for u in urls.split(' ; ')]
        ds = [dates.get(u, '') for u in parts]
        out.append(' ; '.join(ds) if any(ds) else '')
        text = MARK.sub('', text).rstrip()
        missing = [u for u in parts if not dates.get(u, '')]
        if missing:
            groups = {}
            for u in missing:
                groups.setdefault(WHY.get(looked.get(u), 'page not yet looked up'), []).append(u)
            bits = []
            for why, us in groups.items():
                which = '' if len(parts) == 1 else ' for ' + ', '.join(f'[{parts.index(u) + 1}]' for u in us)
                bits.append(why + which)
            text = (text + '; ' if text else '') + f'publication date not established ({"; ".join(bits)})'
        notes.append(text)
    d['source_date'] = out
    d[note] = notes
    d.to_csv(path, index=False)
