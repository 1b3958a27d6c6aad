// "My meetings" (networking/meetings.html): a reminder shows from 10 minutes before each agreed
// meeting until it begins, from the page's own data; the clock is checked every 20 seconds.
const reminders = JSON.parse(document.getElementById("meeting-reminders").textContent);
const lead = Number(document.getElementById("meeting-reminder-settings").dataset.seconds) * 1000;
const banner = document.getElementById("meeting-reminder");

function check() {
  const now = Date.now();
  const due = reminders.find((reminder) => {
    const start = Date.parse(reminder.starts_at);
    return start - lead <= now && now < start;
  });
  banner.hidden = !due;
  if (due && banner.textContent !== due.text) banner.textContent = due.text;
}

check();
setInterval(check, 20000);
