// The tab shows times in the reader's time zone. The tests read it in New York (UTC-5 in November), so a
// time printed in UTC by mistake shows up as a failure. Import this before anything that formats a time:
// a date formatter takes the zone in force when it is created.
process.env.TZ = 'America/New_York';
