// The swipe card: drag (touch, pen or mouse) right to agree, left to
// disagree, up to pass, or press the arrow keys; the card follows the
// finger and flies off before the vote is posted as the plain form does.
(function () {
  'use strict';
  var form = document.getElementById('card');
  var card = document.getElementById('statement');
  if (!form || !card) return;
  var THRESHOLD = 80; // px a drag must travel to count
  var start = null, sent = false;

  function submit(vote) {
    if (sent) return;
    sent = true;
    var dx = vote === 'agree' ? 1 : vote === 'disagree' ? -1 : 0;
    card.style.transform = 'translate(' + dx * 120 + '%,' + (vote === 'pass' ? '-120%' : '0') +
      ') rotate(' + dx * 20 + 'deg)';
    card.style.opacity = '0';
    var button = form.querySelector('button[value="' + vote + '"]');
    setTimeout(function () { form.requestSubmit(button); }, 250);
  }

  function direction(dx, dy) {
    if (-dy > THRESHOLD && Math.abs(dy) > Math.abs(dx)) return 'pass';
    if (dx > THRESHOLD) return 'agree';
    if (dx < -THRESHOLD) return 'disagree';
    return null;
  }

  function mark(dir) {
    card.classList.toggle('going-agree', dir === 'agree');
    card.classList.toggle('going-disagree', dir === 'disagree');
    card.classList.toggle('going-pass', dir === 'pass');
  }

  card.addEventListener('pointerdown', function (e) {
    start = { x: e.clientX, y: e.clientY, id: e.pointerId };
    card.setPointerCapture(e.pointerId);
    card.style.transition = 'none';
  });
  card.addEventListener('pointermove', function (e) {
    if (!start || e.pointerId !== start.id) return;
    var dx = e.clientX - start.x, dy = e.clientY - start.y;
    card.style.transform = 'translate(' + dx + 'px,' + Math.min(dy, 0) + 'px) rotate(' + dx / 20 + 'deg)';
    mark(direction(dx, dy));
  });
  function end(e) {
    if (!start || e.pointerId !== start.id) return;
    var dir = direction(e.clientX - start.x, e.clientY - start.y);
    start = null;
    card.style.transition = '';
    mark(null);
    if (dir) submit(dir);
    else card.style.transform = '';
  }
  card.addEventListener('pointerup', end);
  card.addEventListener('pointercancel', end);

  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var t = e.target && e.target.tagName;
    if (t === 'INPUT' || t === 'TEXTAREA' || t === 'SELECT') return;
    var vote = { ArrowRight: 'agree', ArrowLeft: 'disagree', ArrowUp: 'pass' }[e.key];
    if (!vote) return;
    e.preventDefault();
    submit(vote);
  });
})();
