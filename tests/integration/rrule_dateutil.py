#!/usr/bin/env python3
"""Checks `turnout rrule` against an independent expander: python-dateutil's
rrule (Debian's python3-dateutil), with the wall times put into UTC by the
standard library's zoneinfo (Europe/London; fold=0: a time in the skipped
spring hour is read as GMT, one that happens twice in autumn as BST).

usage: rrule_dateutil.py TURNOUT_BIN [N]   (exit 0 when every rule agrees)
"""
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

LONDON = ZoneInfo("Europe/London")
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def last_sunday(y, m):
    d = datetime(y, m, 31 if m in (3, 10) else 30)
    return d - timedelta(days=(d.weekday() + 1) % 7)


def a_rule(rnd):
    # a start on the days the clocks change, now and then, at times near the change
    y = rnd.randint(2026, 2030)
    if rnd.random() < 0.35:
        day = last_sunday(y, rnd.choice([3, 10])) + timedelta(days=rnd.choice([-7, -1, 0, 0, 1]))
    else:
        day = datetime(y, 1, 1) + timedelta(days=rnd.randint(0, 364))
    hour, minute = rnd.choice([(0, 30), (1, 0), (1, 30), (2, 0), (10, 0), (18, 45), (23, 30)])
    start = day.replace(hour=hour, minute=minute)
    freq = rnd.choice(["DAILY", "WEEKLY", "WEEKLY", "MONTHLY", "MONTHLY", "YEARLY"])
    parts = [f"FREQ={freq}"]
    if rnd.random() < 0.5:
        parts.append(f"INTERVAL={rnd.randint(1, 3)}")
    if freq in ("DAILY", "WEEKLY") and rnd.random() < 0.6:
        parts.append("BYDAY=" + ",".join(rnd.sample(DAYS, rnd.randint(1, 3))))
    if freq == "WEEKLY" and rnd.random() < 0.3:
        parts.append("WKST=" + rnd.choice(["SU", "MO", "SA"]))
    bymonth = freq == "YEARLY" and rnd.random() < 0.7
    if bymonth or (freq != "WEEKLY" and rnd.random() < 0.15):
        parts.append("BYMONTH=" + ",".join(str(m) for m in sorted(rnd.sample(range(1, 13), rnd.randint(1, 3)))))
    if freq == "MONTHLY" or (freq == "YEARLY" and bymonth):
        c = rnd.random()
        if c < 0.45:
            days = [f"{rnd.choice([1, 2, 3, 4, -1, -2, 5])}{d}" for d in rnd.sample(DAYS, rnd.randint(1, 2))]
            parts.append("BYDAY=" + ",".join(days))
        elif c < 0.7:
            parts.append("BYMONTHDAY=" + ",".join(str(d) for d in rnd.sample([1, 15, 28, 29, 30, 31, -1, -7], rnd.randint(1, 2))))
        elif c < 0.8:
            parts.append("BYDAY=SA,SU")
            parts.append("BYMONTHDAY=" + ",".join(str(d) for d in range(1, 8)))
    elif freq == "DAILY" and rnd.random() < 0.2:
        parts.append("BYMONTHDAY=" + ",".join(str(d) for d in rnd.sample(range(1, 32), 3)))
    if rnd.random() < 0.5:
        parts.append(f"COUNT={rnd.randint(1, 5 if freq == 'YEARLY' else 30)}")
    else:
        until = start + timedelta(days=rnd.randint(0, 700), hours=rnd.randint(-3, 3))
        parts.append("UNTIL=" + until.strftime("%Y%m%dT%H%M%S"))
    return start, ";".join(parts)


def utc(dt):
    return dt.replace(tzinfo=LONDON, fold=0).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


def main():
    turnout = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    rnd = random.Random(20261204)
    rules = [a_rule(rnd) for _ in range(n)]
    text = "".join(f"{s.strftime('%Y-%m-%dT%H:%M')} {r}\n" for s, r in rules)
    out = subprocess.run([turnout, "rrule"], input=text, capture_output=True, text=True, check=True).stdout
    answers = out.split("\n\n")
    bad = checked = refused = 0
    for (start, rule), answer in zip(rules, answers):
        got = [l for l in answer.split("\n") if l]
        # the series as dateutil has it, up to 6 years on (ours must end within 5)
        limit = start + timedelta(days=6 * 366)
        want = [utc(d) for d in rrulestr("RRULE:" + rule, dtstart=start).between(start, limit, inc=True)]
        if got and got[0].startswith("error:"):
            refused += 1
            why = got[0]
            if "no dates" in why:
                ok = not want
            elif "5 years" in why:
                count = int(rule.split("COUNT=")[1].split(";")[0]) if "COUNT=" in rule else None
                five = (start + timedelta(days=5 * 366)).replace(tzinfo=LONDON).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
                ok = count is not None and (len(want) < count or want[count - 1] > five)
            else:
                ok = False
        else:
            checked += 1
            ok = got == want
        if not ok:
            bad += 1
            if bad <= 10:
                print(f"DIFFER {start} {rule}\n  turnout:  {got[:8]}\n  dateutil: {want[:8]}")
    print(f"{len(rules)} rules: {checked} expanded alike ({sum(len([l for l in a.split(chr(10)) if l and not l.startswith('error')]) for a in answers)} dates), {refused} refused, {bad} differ")
    return 1 if bad or checked < len(rules) // 2 else 0


if __name__ == "__main__":
    sys.exit(main())
