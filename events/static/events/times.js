// Times as people read them: the event's wall clock (Europe/Amsterdam), whatever zone the
// browser is set to. The pages' one formatter, as events/times.py is the server's.
export const TIME_ZONE = "Europe/Amsterdam";

const minutes = new Intl.DateTimeFormat("nl-NL", { timeZone: TIME_ZONE, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const seconds = new Intl.DateTimeFormat("nl-NL", {
  timeZone: TIME_ZONE,
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

// "11:05" for an ISO string, a Date or milliseconds since the epoch; "11:05:09" with seconds.
export function clock(moment, { withSeconds = false } = {}) {
  const date = moment instanceof Date ? moment : new Date(moment);
  if (Number.isNaN(date.getTime())) return "";
  return (withSeconds ? seconds : minutes).format(date);
}

const days = new Intl.DateTimeFormat("nl-NL", { timeZone: TIME_ZONE, day: "numeric", month: "long" });

// "3 december 11:05" (the server's `day_and_clock`), for a moment that need not be on the day itself.
export function dayAndClock(moment) {
  const date = moment instanceof Date ? moment : new Date(moment);
  if (Number.isNaN(date.getTime())) return "";
  return `${days.format(date)} ${clock(date)}`;
}
