// Progressive enhancement (the pages work without it): the server writes times in UTC because it
// does not know the phone's time zone; this rewrites each <time data-local> in the phone's zone.
'use strict';
document.querySelectorAll('time[data-local]').forEach(function (el) {
  var when = new Date(el.getAttribute('datetime'));
  if (isNaN(when.getTime())) return;
  el.textContent = when.toLocaleString(undefined, {
    weekday: 'short', day: 'numeric', month: 'short', year: 'numeric',
    hour: '2-digit', minute: '2-digit', timeZoneName: 'short'
  });
});
