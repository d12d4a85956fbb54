"""Working script (issue 13): the row corrections recorded in data/README.md section 8.6. Run once."""
import pandas as pd
VP, EP = 'data/reference/violence_figures.csv', 'data/reference/engagement_events.csv'
V = pd.read_csv(VP, dtype=str, keep_default_na=False).set_index('figure_id', drop=False)
E = pd.read_csv(EP, dtype=str, keep_default_na=False).set_index('event_id', drop=False)

def note(i, text):
    V.loc[i, 'scope_note'] = text

# --- PICSS 2025 "this year" figures from the pages of 29 December 2025: running counts to that day
todate = {
    'PICSS-2025-attacks': 'PICSS militant attacks in 2025 up to the report of 29 December 2025 ("1,063 terrorist attacks recorded"; to-date figure, not the full year: a later report gives at least 1,066 for the year)',
    'PICSS-2025-attacks-b': 'PICSS militant attacks in 2025 up to the report of 29 December 2025 ("over 1,063 militant strikes took place this year"; to-date figure, not the full year; second source, WION)',
    'PICSS-2025-civilians_killed-b': 'PICSS civilians among the 3,387 combat-related deaths (militant attacks and security-force operations combined) in 2025 up to the report of 29 December 2025 (to-date figure)',
    'PICSS-2025-civilians_killed-c': 'PICSS civilians among the 3,387 combat-related deaths (militant attacks and security-force operations combined) in 2025 up to the report of 29 December 2025 (to-date figure; second source, WION)',
    'PICSS-2025-combat_deaths-b': 'PICSS combat-related deaths (militant attacks and security-force operations, militants included) in 2025 up to the report of 29 December 2025 (to-date figure): 2,115 militants, 664 security personnel, 580 civilians, 28 peace-committee members',
    'PICSS-2025-combat_deaths-c': 'PICSS combat-related deaths (militant attacks and security-force operations, militants included) in 2025 up to the report of 29 December 2025 (to-date figure; second source, WION)',
    'PICSS-2025-militants_killed': 'PICSS militants among the 3,387 combat-related deaths in 2025 up to the report of 29 December 2025 (to-date figure); militants_killed = all militants killed in the period',
    'PICSS-2025-militants_killed-b': 'PICSS militants among the 3,387 combat-related deaths in 2025 up to the report of 29 December 2025 (to-date figure; second source, WION); militants_killed = all militants killed in the period',
    'PICSS-2025-security_forces_killed-b': 'PICSS security personnel among the 3,387 combat-related deaths (militant attacks and security-force operations combined) in 2025 up to the report of 29 December 2025 (to-date figure)',
    'PICSS-2025-security_forces_killed-c': 'PICSS security personnel among the 3,387 combat-related deaths (militant attacks and security-force operations combined) in 2025 up to the report of 29 December 2025 (to-date figure; second source, WION)',
}
for i, text in todate.items():
    assert V.loc[i, 'source_date'] == '2025-12-29', i
    V.loc[i, ['period_end', 'granularity']] = ['2025-12-29', 'to_date']
    note(i, text)
# --- ISPR 2024 briefing of 27 December 2024: "during the year", to that day
for i in ('ISPR-2024-militants_killed', 'ISPR-2024-Afghan-militants_killed', 'ISPR-2024-security_forces_killed'):
    assert V.loc[i, 'source_date'] == '2024-12-27', i
    V.loc[i, ['period_end', 'granularity']] = ['2024-12-27', 'to_date']
    V.loc[i, 'scope_note'] += '; to-date figure: the DG ISPR briefing of 27 December 2024 counts the year up to that day'

# --- PICSS-2025-11-militants_killed: which militants
note('PICSS-2025-11-militants_killed',
     'PICSS militants killed, November 2025. Dunya News words it "Security forces conducted targeted operations '
     'across the country, killing 206 militants", but the same report\'s combined toll of "292 people were killed" '
     '"in anti-state violence and security forces\' counter-measures" (PICSS-2025-11-combat_deaths, Dawn) is '
     '206 + 54 civilians + 25 security personnel + 7 peace-committee members, so 206 counts every militant killed '
     'in the month; militants_killed = all militants killed in the period')

# --- numbers written in words: add the marker README section 2.1 requires
from analysis import quotes
for i in V.index:
    r = V.loc[i]
    if r.basis != 'published':
        continue
    how = quotes.value_support(int(r.value), r.source_quote, r.scope_note)
    if how is None and any(m.value == int(r.value) for m in quotes.numbers_in(r.source_quote)):
        V.loc[i, 'scope_note'] = r.scope_note.rstrip() + ' ' + quotes.WORDS_MARKER
        print('words marker:', i)

# --- events
E.loc['2025-06-01-phone_call', ['initiator', 'counterpart']] = ['Pakistan and Afghanistan', '']
E.loc['2025-06-01-phone_call', 'date_note'] += (' Who called is not stated: initiator Pakistan and Afghanistan '
                                              '(data/README 2.2, calls whose pages do not say who called).')
E = E.drop(index='2023-10-04-border_clash')

V.to_csv(VP, index=False)
E.to_csv(EP, index=False)
