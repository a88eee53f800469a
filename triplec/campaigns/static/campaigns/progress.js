// The campaign progress page: refreshes the counters every 2 seconds until the campaign has finished.
(function () {
  var table = document.getElementById("progress");
  if (!table) return;
  var url = table.dataset.url;
  function tick() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}}).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (data) {
      if (!data) return;
      table.querySelectorAll("[data-key]").forEach(function (cell) {
        var v = data[cell.dataset.key];
        if (v !== undefined && String(v) !== cell.textContent) cell.textContent = v;
      });
      var ul = document.getElementById("failed-reasons");
      var entries = Object.entries(data.failed_by_reason || {});
      ul.innerHTML = "";
      if (!entries.length) { var li = document.createElement("li"); li.textContent = "—"; ul.appendChild(li); }
      entries.forEach(function (e) { var li = document.createElement("li"); li.textContent = e[0] + ": " + e[1]; ul.appendChild(li); });
      if (!data.finished) setTimeout(tick, 2000);
    }).catch(function () { setTimeout(tick, 4000); });
  }
  setTimeout(tick, 2000);
})();
