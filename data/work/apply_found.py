"""Working script (issue 13): merge page look-ups (url, date, evidence; tab-separated) into the work
table (event rows only). An empty date means searched without finding a dated copy."""
import sys
import pandas as pd
W = pd.read_csv('data/work/source_dates_worktable.csv', dtype=str, keep_default_na=False)
for line in open(sys.argv[1], encoding='utf-8'):
    if not line.strip():
        continue
    u, d, ev = line.rstrip('\n').split('\t')
    k = W.index[(W.url == u) & (W.table == 'E')]
    assert len(k), u
    assert W.loc[k[0], 'how'] != 'url', u
    W.loc[k, ['date', 'how', 'evidence']] = [d, 'page' if d else 'searched-not-found', ev[:80]]
W.to_csv('data/work/source_dates_worktable.csv', index=False)
print(W[W.table == 'E'].how.value_counts().to_dict())
