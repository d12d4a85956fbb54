"""Working script (issue 13): copy the URL -> date table into source_date of the violence table,
and mark rows whose page dates are not (all) established. Not part of the package; removed once
the table is final. Writes ONLY violence_figures.csv (the event log is dated on another branch)."""
import re
import pandas as pd
W = pd.read_csv('data/work/source_dates_worktable.csv', dtype=str, keep_default_na=False)
W = W[W.table == 'V']
dates = dict(zip(W.url, W.date))
looked = dict(zip(W.url, W.how))
MARK = re.compile(r'(; )?publication date not established \([^)]*\)\.?')
path, note = 'data/reference/violence_figures.csv', 'scope_note'
d = pd.read_csv(path, dtype=str, keep_default_na=False)
out, notes = [], []
for urls, text, basis in zip(d.source_url, d[note], d.basis):
    if basis != 'published':
        out.append('')
        notes.append(text)
        continue
    parts = [u.strip() for u in urls.split(' ; ')]
    ds = [dates.get(u, '') for u in parts]
    out.append(' ; '.join(ds) if any(ds) else '')
    text = MARK.sub('', text).rstrip()
    missing = [u for u in parts if not dates.get(u, '')]
    if missing:
        why = ('searched, no dated copy found'
               if all(looked.get(u) == 'searched-not-found' for u in missing)
               else 'page not yet looked up')
        which = '' if len(parts) == 1 else ' for ' + ', '.join(f'[{parts.index(u) + 1}]' for u in missing)
        text = (text + '; ' if text else '') + f'publication date not established ({why}{which})'
    notes.append(text)
d['source_date'] = out
d[note] = notes
d.to_csv(path, index=False)
