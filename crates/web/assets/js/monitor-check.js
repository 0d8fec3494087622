// SPDX-License-Identifier: EUPL-1.2
// Peil — live guard feedback in the monitor editor.
//
// While the analyst types a query, this script asks the server (POST
// /api/v1/workspaces/{id}/monitors/check, with the session's CSRF token) whether the query
// guard and the purpose rules would accept it, and shows the verdict as text in the polite
// live region next to the query field. It never saves anything, never moves the focus and
// never blocks the form: on submit the server decides again, and without this script the
// page works exactly the same. It must never write the query anywhere but the request body
// (no console, no storage, no URL) and never insert markup: every message is set as text.
(function () {
  'use strict';

  var DEBOUNCE_MS = 400;

  function start() {
    var form = document.querySelector('form[data-check-url]');
    if (!form) {
      return;
    }
    var field = form.querySelector('#monitor-query');
    var region = document.getElementById('guard-live');
    var tokenInput = form.querySelector('input[name="csrf_token"]');
    if (!field || !region || !tokenInput || !window.fetch) {
      return;
    }
    var url = form.getAttribute('data-check-url');
    var english = (document.documentElement.getAttribute('lang') || 'nl') === 'en';
    var texts = {
      accepted: region.getAttribute('data-accepted') || '',
      refused: region.getAttribute('data-refused') || '',
      unavailable: region.getAttribute('data-unavailable') || ''
    };
    var timer = null;
    var latest = 0;
    var lastChecked = null;

    function show(kind, heading, messages) {
      var notice = document.createElement('div');
      notice.className = 'peil-notice peil-notice--' + kind;
      var paragraph = document.createElement('p');
      var strong = document.createElement('strong');
      strong.textContent = heading;
      paragraph.appendChild(strong);
      if (messages.length > 0) {
        paragraph.appendChild(document.createTextNode(': ' + messages.join(' ')));
      }
      notice.appendChild(paragraph);
      region.replaceChildren(notice);
    }

    function clear() {
      region.replaceChildren();
    }

    function check() {
      var query = field.value.trim();
      if (query === lastChecked) {
        return;
      }
      lastChecked = query;
      if (query === '') {
        clear();
        return;
      }
      latest += 1;
      var asked = latest;
      fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          'Content-Type': 'application/json',
          'X-CSRF-Token': tokenInput.value
        },
        body: JSON.stringify({ query: query })
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error('status ' + response.status);
          }
          return response.json();
        })
        .then(function (verdict) {
          if (asked !== latest) {
            return;
          }
          if (verdict.accepted) {
            show('success', texts.accepted, []);
            return;
          }
          var messages = (verdict.reasons || []).map(function (reason) {
            return english ? reason.message_en : reason.message_nl;
          });
          show('error', texts.refused, messages);
        })
        .catch(function () {
          if (asked !== latest) {
            return;
          }
          // The server still decides on submit; say only that the live check is unavailable.
          lastChecked = null;
          show('info', texts.unavailable, []);
        });
    }

    // On submit the server decides; a check still waiting is not sent.
    form.addEventListener('submit', function () {
      if (timer !== null) {
        window.clearTimeout(timer);
        timer = null;
      }
    });

    field.addEventListener('input', function () {
      if (timer !== null) {
        window.clearTimeout(timer);
      }
      timer = window.setTimeout(check, DEBOUNCE_MS);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
