"""Working script (issue 13): copy the URL -> date table into source_date. Not part of the package."""
import pandas as pd
W = pd.read_csv('data/work/source_dates_worktable.csv', dtype=str, keep_default_na=False)
dates = dict(zip(W.url, W.date))
for name in ('violence_figures', 'engagement_events'):
    path = f'data/reference/{name}.csv'
    d = pd.read_csv(path, dtype=str, keep_default_na=False)
    col = [dates.get(u.strip(), '') for u in d.source_url]
    d['source_date'] = [' ; '.join(dates.get(u.strip(), '') for u in s.split(' ; ')) if any(dates.get(u.strip(), '') for u in s.split(' ; ')) else '' for s in d.source_url]
    cols = [c for c in d.columns if c != 'source_date']
    at = cols.index('source_quote') + 1
    cols = cols[:at] + ['source_date'] + cols[at:]
    d[cols].to_csv(path, index=False)
