// Relais CRM, workflow pages: small behaviours that markup alone cannot give (CSP: no inline script).
(function () {
  "use strict";

  // The routing rule form shows only the target inputs that fit the chosen kind of target.
  function showRuleTargets(form) {
    var select = form.querySelector("select[name=target_type]");
    if (!select) return;
    form.querySelectorAll("[data-target-for]").forEach(function (box) {
      box.hidden = box.dataset.targetFor.split(" ").indexOf(select.value) === -1;
    });
  }

  // An htmx request refused without a page to swap (403, 404, 5xx) still tells the person why,
  // in the words the layout carries (translated server-side).
  function showRequestError(event) {
    var box = document.getElementById("htmx-error");
    if (!box) return;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    box.textContent = status === 403 ? box.dataset.forbidden : status === 404 ? box.dataset.notFound : box.dataset.failed;
    box.hidden = false;
    window.setTimeout(function () { box.hidden = true; }, 6000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var ruleForm = document.getElementById("rule-form");
    if (ruleForm) {
      showRuleTargets(ruleForm);
      ruleForm.addEventListener("change", function (event) {
        if (event.target.name === "target_type") showRuleTargets(ruleForm);
      });
    }
  });
  // The bell's count polls every ten seconds (templates/workflow/notifications/_bell_count.html), but not
  // while the tab is hidden: nobody sees it, and a hundred forgotten tabs would still ask. Shown again,
  // it asks at once.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (document.hidden && event.detail.elt && event.detail.elt.id === "notification-count") event.preventDefault();
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && window.htmx) window.htmx.trigger(document.body, "relais:bell");
  });
  document.addEventListener("htmx:responseError", showRequestError);
  document.addEventListener("htmx:sendError", showRequestError);
})();
