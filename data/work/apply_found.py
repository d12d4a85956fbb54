"""Working script (issue 13): merge page look-ups (url, date, evidence[, how]; tab-separated;
how defaults to page, or searched-not-found when the date is empty; quote = dateline printed in the
row's verbatim quote) into the work
table (event rows only). An empty date means searched without finding a dated copy."""
import sys
import pandas as pd
W = pd.read_csv('data/work/source_dates_worktable.csv', dtype=str, keep_default_na=False)
for line in open(sys.argv[1], encoding='utf-8'):
    if not line.strip():
        continue
    f = line.rstrip('\n').split('\t')
    u, d, ev = f[:3]
    how = f[3] if len(f) > 3 else ('page' if d else 'searched-not-found')
    k = W.index[(W.url == u) & (W.table == 'E')]
    assert len(k), u
    assert W.loc[k[0], 'how'] != 'url', u
    W.loc[k, ['date', 'how', 'evidence']] = [d, how, ev[:80]]
W.to_csv('data/work/source_dates_worktable.csv', index=False)
print(W[W.table == 'E'].how.value_counts().to_dict())
