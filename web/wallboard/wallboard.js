// ccpulse wallboard (DESIGN.md §11): one tile per queue, live over
// Server-Sent Events from /api/v1/stream (event "board", one a second; the
// shape is tests/browser/fixtures/board.json). Plain JS, no dependencies.
//
// Rules this page keeps:
// - Never stale as live. No event for STALE_AFTER_MS: the page greys the
//   tiles, says "data N s old", and stops the client-side tickers (they
//   extrapolate from the last event; doing so forever would look live).
// - Time is measured on this machine only as elapsed time since an event
//   arrived (performance.now()); the TV's wall clock is never compared with
//   the server's generated_at. Longest waits tick from oldest_wait_seconds,
//   countdowns from remaining_seconds.
// - The browser's EventSource reconnects by itself after a dropped
//   connection; when it gives up (readyState CLOSED) or a connection stays
//   silent for WATCHDOG_MS, the page makes a new one with a backoff of 1 s
//   doubling to 30 s, reset by the next event. It recovers without a reload.
// - Service level colour: ok when SL >= target; at risk when within
//   AT_RISK_POINTS (5 percentage points) below the target; breached below
//   that; no colour without a value (no answered or abandoned contact).
'use strict';

(() => {
  const STALE_AFTER_MS = 5000;
  const WATCHDOG_MS = 15000;
  const BACKOFF_MIN_MS = 1000;
  const BACKOFF_MAX_MS = 30000;
  const AT_RISK_POINTS = 0.05;
  const WINDOWS = ['15m', '1h', 'interval', 'today'];
  const LANGS = ['en', 'zh-CN'];
  const NEXT_MAX = 6;  // two rows of the strip at 1920x1080
  const FIT_MIN = 0.8;  // sizes shrink at most to this share to fit the screen
  const FIT_STEP = 0.02;

  const I18N = {
    en: {
      title: 'Contact center',
      window: 'Window',
      as_of: 'As of',
      language: 'Language',
      alerts: 'Alerts',
      next_to_breach: 'Next to breach',
      none_at_risk: 'No contact near its target',
      connecting: 'Connecting…',
      live: 'Live',
      stale: 'Data {n} s old — reconnecting',
      stale_never: 'No data for {n} s — reconnecting',
      behind: 'Catching up (figures lag), partition no. {list}',
      restoring: 'Restoring, partition no. {list}',
      missing: 'No data from partition no. {list}',
      not_caught_up: 'Still reading the snapshots: figures may be incomplete',
      w_15m: 'last 15 min',
      w_1h: 'last hour',
      w_interval: 'this interval',
      w_today: 'today',
      waiting: 'Waiting',
      longest_wait: 'Longest wait',
      service_level: 'Service level',
      target: 'target {v} in {t}',
      sl_ok: 'on target',
      sl_at_risk: 'at risk',
      sl_breached: 'below target',
      sl_none: 'no contacts',
      asa: 'Avg answer',
      abandon: 'Abandoned',
      agents: 'Agents',
      available: 'Available',
      on_contact: 'On contact',
      acw: 'Wrap-up',
      away: 'Away',
      at_risk: 'At risk',
      breached: 'Breached',
      csat: 'CSAT today',
      nps: 'NPS today',
      backlog: 'Backlog',
      overdue: 'Overdue',
      spark_sl: 'Service level, last hour',
      spark_waiting: 'Waiting, last hour',
      spark_sl_short: 'SL 1 h',
      spark_waiting_short: 'Waiting 1 h',
      spark_range: '{label}: {first} to {last}',
      no_history: 'no history yet',
      no_data: 'no data',
      no_live: 'No live figures',
      not_in_board: 'Not in the data',
      since: 'since {t}',
      due_in: 'in {t}',
      overdue_by: 'overdue {t}',
      ch_voice: 'voice', ch_chat: 'chat', ch_email: 'email', ch_ticket: 'ticket',
      sev_info: 'info', sev_warning: 'warning', sev_critical: 'critical',
      m_service_level: 'service level',
      m_abandonment_rate: 'abandon rate',
      m_asa_seconds: 'average answer',
      m_wait_p90_seconds: '90th percentile wait',
      m_aht_seconds: 'average handle time',
      m_offered: 'offered',
      m_abandoned: 'abandoned',
      m_csat_share: 'satisfied share',
      m_nps: 'promoter score',
      m_occupancy: 'occupancy',
      m_waiting: 'waiting',
      m_oldest_wait_seconds: 'longest wait',
      m_agents_available: 'agents available',
      m_backlog: 'backlog',
      m_backlog_overdue: 'overdue backlog',
      m_forecast_service_level: 'forecast service level',
      m_forecast_drain_seconds: 'forecast time to clear',
      t_answer: 'answer',
      t_first_response: 'first response',
      t_next_reply: 'next reply',
      t_periodic_update: 'update',
      t_resolution: 'resolution',
      t_escalation_response: 'escalation response',
      t_detractor_follow_up: 'detractor follow-up',
      at_risk_flag: 'at risk',
    },
    'zh-CN': {
      title: '联络中心',
      window: '统计窗口',
      as_of: '数据时间',
      language: '语言',
      alerts: '告警',
      next_to_breach: '即将超时',
      none_at_risk: '暂无接近目标时限的联系',
      connecting: '正在连接…',
      live: '实时',
      stale: '数据已过去 {n} 秒 — 正在重新连接',
      stale_never: '{n} 秒无数据 — 正在重新连接',
      behind: '正在追赶（数据滞后），分区编号 {list}',
      restoring: '正在恢复，分区编号 {list}',
      missing: '无数据，分区编号 {list}',
      not_caught_up: '仍在读取快照：数据可能不完整',
      w_15m: '最近15分钟',
      w_1h: '最近1小时',
      w_interval: '本时段',
      w_today: '今天',
      waiting: '排队中',
      longest_wait: '最长等待',
      service_level: '服务水平',
      target: '目标 {v}（{t}内）',
      sl_ok: '达标',
      sl_at_risk: '有风险',
      sl_breached: '未达标',
      sl_none: '暂无联系',
      asa: '平均应答',
      abandon: '放弃率',
      agents: '坐席',
      available: '空闲',
      on_contact: '通话中',
      acw: '话后处理',
      away: '离开',
      at_risk: '有风险',
      breached: '已超时',
      csat: '今日满意度',
      nps: '今日净推荐值',
      backlog: '积压',
      overdue: '逾期',
      spark_sl: '服务水平，最近1小时',
      spark_waiting: '排队数，最近1小时',
      spark_sl_short: '服务水平',
      spark_waiting_short: '排队数',
      spark_range: '{label}：从 {first} 到 {last}',
      no_history: '暂无历史',
      no_data: '无数据',
      no_live: '暂无实时数据',
      not_in_board: '无此队列数据',
      since: '自 {t}',
      due_in: '{t} 后',
      overdue_by: '已超 {t}',
      ch_voice: '语音', ch_chat: '在线聊天', ch_email: '邮件', ch_ticket: '工单',
      sev_info: '提示', sev_warning: '警告', sev_critical: '严重',
      m_service_level: '服务水平',
      m_abandonment_rate: '放弃率',
      m_asa_seconds: '平均应答',
      m_wait_p90_seconds: '90分位等待',
      m_aht_seconds: '平均处理时长',
      m_offered: '进线量',
      m_abandoned: '放弃量',
      m_csat_share: '满意比例',
      m_nps: '净推荐值',
      m_occupancy: '占用率',
      m_waiting: '排队数',
      m_oldest_wait_seconds: '最长等待',
      m_agents_available: '空闲坐席',
      m_backlog: '积压',
      m_backlog_overdue: '逾期积压',
      m_forecast_service_level: '预测服务水平',
      m_forecast_drain_seconds: '预测清空时间',
      t_answer: '应答',
      t_first_response: '首次回复',
      t_next_reply: '下次回复',
      t_periodic_update: '进度更新',
      t_resolution: '解决',
      t_escalation_response: '升级响应',
      t_detractor_follow_up: '贬损者回访',
      at_risk_flag: '有风险',
    },
  };

  // ---- URL parameters ----------------------------------------------------
  const params = new URLSearchParams(location.search);
  const pickLang = (v) => {
    if (!v) return null;
    const l = v.toLowerCase();
    if (l === 'en' || l.startsWith('en-')) return 'en';
    if (l === 'zh' || l.startsWith('zh')) return 'zh-CN';
    return null;
  };
  let lang = pickLang(params.get('lang')) || pickLang(navigator.language) || 'en';
  const wantedWindow = WINDOWS.includes(params.get('window')) ? params.get('window') : '15m';
  const queueFilter = (params.get('queues') || '').split(',').map((s) => s.trim()).filter(Boolean);

  // ---- state -------------------------------------------------------------
  let board = null;          // last board event
  let receivedAt = 0;        // performance.now() when it arrived
  let eventId = '';
  let everReceived = false;
  let staleSince = null;     // performance.now() when the page went stale
  let es = null;
  let backoff = BACKOFF_MIN_MS;
  let retryTimer = null;
  const startedAt = performance.now();
  let lastActivity = startedAt;
  let tileKeys = '';         // the queue list the tiles were built for

  const $ = (sel, root = document) => root.querySelector(sel);
  const t = (key, vars) => {
    let s = (I18N[lang] && I18N[lang][key]) ?? I18N.en[key] ?? key;
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, v);
    return s;
  };
  const has = (key) => key in I18N.en;
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

  // ---- formatting (Intl, for the current language) -----------------------
  let fmt = null;
  function makeFormatters() {
    const tz = validZone(board && board.time_zone);
    fmt = {
      int: new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }),
      pct: new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }),
      pct0: new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }),
      score: new Intl.NumberFormat(lang, { maximumFractionDigits: 0, signDisplay: 'exceptZero' }),
      sec: new Intl.NumberFormat(lang, { style: 'unit', unit: 'second', unitDisplay: 'narrow', maximumFractionDigits: 1 }),
      min: new Intl.NumberFormat(lang, { style: 'unit', unit: 'minute', unitDisplay: 'narrow', maximumFractionDigits: 0 }),
      hour: new Intl.NumberFormat(lang, { style: 'unit', unit: 'hour', unitDisplay: 'narrow', maximumFractionDigits: 1 }),
      two: new Intl.NumberFormat(lang, { minimumIntegerDigits: 2, useGrouping: false }),
      time: new Intl.DateTimeFormat(lang, { timeZone: tz, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }),
      zone: tz,
    };
  }
  function validZone(z) {
    if (!z) return 'UTC';
    try { new Intl.DateTimeFormat('en', { timeZone: z }); return z; } catch { return 'UTC'; }
  }
  // A clock-style duration: 0:07, 12:05, 1:02:03 (ticking values).
  function clock(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return h > 0 ? `${fmt.int.format(h)}:${fmt.two.format(m)}:${fmt.two.format(r)}` : `${fmt.int.format(m)}:${fmt.two.format(r)}`;
  }
  // A static duration: 4.2 s, 12 min, 4 h.
  function span(seconds) {
    if (seconds < 60) return fmt.sec.format(seconds);
    if (seconds < 3600) return fmt.min.format(seconds / 60);
    return fmt.hour.format(seconds / 3600);
  }
  const time = (iso) => { const d = new Date(iso); return isNaN(d) ? '—' : fmt.time.format(d); };

  // ---- the tiles -----------------------------------------------------------
  const L = (key) => `<span data-i18n="${key}"></span>`;
  const stat = (field, key, cls = '') =>
    `<dl class="stat ${cls}"><dt>${L(key)}</dt><dd data-field="${field}" translate="no">—</dd></dl>`;

  function tileHtml(name) {
    return `
      <header class="tile-head">
        <h2 id="q-${esc(name)}" translate="no">${esc(name)}</h2>
        <span class="channel" data-field="channel"></span>
        <dl class="backlog" hidden>
          <div><dt>${L('backlog')}</dt><dd data-field="backlog" translate="no">—</dd></div>
          <div class="bad"><dt>${L('overdue')}</dt><dd data-field="backlog_overdue" translate="no">—</dd></div>
        </dl>
      </header>
      <div class="primary">
        ${stat('waiting', 'waiting')}
        ${stat('longest_wait', 'longest_wait')}
        <dl class="stat sl"><dt>${L('service_level')}</dt>
          <dd data-field="service_level" translate="no">—</dd>
          <dd class="sl-note"><span data-field="sl_status" class="badge"></span> <span data-field="sl_target"></span></dd>
        </dl>
      </div>
      <div class="secondary">
        ${stat('asa', 'asa')}
        ${stat('abandon_rate', 'abandon')}
        ${stat('at_risk', 'at_risk', 'warn')}
        ${stat('breached', 'breached', 'bad')}
        ${stat('agents_available', 'available')}
        ${stat('agents_on_contact', 'on_contact')}
        ${stat('agents_acw', 'acw')}
        ${stat('agents_away', 'away')}
        ${stat('csat', 'csat')}
        ${stat('nps', 'nps')}
        <div class="sparks">
          <figure class="spark" data-field="spark_sl"></figure>
          <figure class="spark" data-field="spark_waiting"></figure>
        </div>
      </div>
      <p class="tile-note" data-field="note" hidden></p>`;
  }

  function shownQueues() {
    const byName = new Map(board.queues.map((q) => [q.name, q]));
    if (!queueFilter.length) return board.queues.map((q) => ({ name: q.name, q }));
    return queueFilter.map((name) => ({ name, q: byName.get(name) || null }));
  }

  function buildTiles(list) {
    const main = $('#tiles');
    main.textContent = '';
    for (const { name } of list) {
      const s = document.createElement('section');
      s.className = 'tile';
      s.dataset.queue = name;
      s.dataset.testid = 'tile';
      s.setAttribute('data-testid', 'tile');
      s.setAttribute('aria-labelledby', `q-${name}`);
      s.innerHTML = tileHtml(name);
      main.appendChild(s);
    }
    applyLabels(main);
  }

  // Sets a value cell: formatted text, the raw number in data-value (empty
  // for null), and a spoken "no data" for a dash.
  function setValue(tile, field, raw, text) {
    const el = $(`[data-field="${field}"]`, tile);
    if (!el) return;
    if (raw === null || raw === undefined || (typeof raw === 'number' && !isFinite(raw))) {
      el.dataset.value = '';
      el.innerHTML = `<span aria-hidden="true">—</span><span class="sr-only">${esc(t('no_data'))}</span>`;
    } else {
      el.dataset.value = String(raw);
      el.textContent = text;
    }
  }

  // ok / at_risk / breached / none: see the rule at the top of this file.
  function slStatus(sl, target) {
    if (sl === null || sl === undefined) return 'none';
    if (sl >= target) return 'ok';
    if (sl >= target - AT_RISK_POINTS - 1e-9) return 'at_risk';
    return 'breached';
  }

  function updateTile(tile, q, win) {
    const note = $('[data-field="note"]', tile);
    if (!q) {
      tile.dataset.status = 'none';
      note.hidden = false;
      note.dataset.i18n = 'not_in_board';
      note.textContent = t('not_in_board');
      return;
    }
    $('[data-field="channel"]', tile).textContent = has(`ch_${q.channel}`) ? t(`ch_${q.channel}`) : q.channel;
    const live = q.live;
    const w = (q.windows && q.windows[win]) || {};
    const today = (q.windows && q.windows.today) || {};
    setValue(tile, 'waiting', live ? live.waiting : null, live ? fmt.int.format(live.waiting) : '');
    const agents = (live && live.agents) || null;
    for (const [field, key] of [['agents_available', 'available'], ['agents_on_contact', 'on_contact'],
      ['agents_acw', 'after_contact_work'], ['agents_away', 'away']]) {
      const v = agents ? agents[key] : null;
      setValue(tile, field, v, v === null || v === undefined ? '' : fmt.int.format(v));
    }
    for (const field of ['at_risk', 'breached', 'backlog', 'backlog_overdue']) {
      const v = live ? live[field] : null;
      setValue(tile, field, v, v === null || v === undefined ? '' : fmt.int.format(v));
    }
    // Backlog only matters where work queues up (email, tickets); hidden while zero.
    const showBacklog = !!live && ((live.backlog || 0) > 0 || (live.backlog_overdue || 0) > 0);
    $('dl.backlog', tile).hidden = !showBacklog;

    const sl = w.service_level ?? null;
    setValue(tile, 'service_level', sl, sl === null ? '' : fmt.pct.format(sl));
    const status = slStatus(sl, q.sl_target);
    tile.dataset.status = status;
    const badge = $('[data-field="sl_status"]', tile);
    badge.dataset.i18n = `sl_${status}`;
    badge.textContent = t(`sl_${status}`);
    const tgt = $('[data-field="sl_target"]', tile);
    tgt.dataset.value = String(q.sl_target);
    tgt.textContent = t('target', { v: fmt.pct0.format(q.sl_target), t: span(q.sl_threshold_seconds) });
    const asa = w.average_speed_of_answer_seconds ?? null;
    setValue(tile, 'asa', asa, asa === null ? '' : span(asa));
    const ab = w.abandonment_rate ?? null;
    setValue(tile, 'abandon_rate', ab, ab === null ? '' : fmt.pct.format(ab));
    const csat = today.csat_share ?? null;
    setValue(tile, 'csat', csat, csat === null ? '' : fmt.pct0.format(csat));
    const nps = today.net_promoter_score ?? null;
    setValue(tile, 'nps', nps, nps === null ? '' : fmt.score.format(nps));

    note.hidden = !!live;
    if (!live) { note.dataset.i18n = 'no_live'; note.textContent = t('no_live'); }
    updateLongestWait(tile, q, 0);
    drawSparks(tile, q);
  }

  function updateLongestWait(tile, q, elapsed) {
    const live = q && q.live;
    const base = live ? live.oldest_wait_seconds : null;
    if (base === null || base === undefined) {
      setValue(tile, 'longest_wait', null, '');
      return;
    }
    const s = Math.floor(base + elapsed);
    const el = $('[data-field="longest_wait"]', tile);
    if (el.dataset.value !== String(s)) setValue(tile, 'longest_wait', s, clock(s));
  }

  // ---- sparklines (inline SVG) ---------------------------------------------
  // x spans the last hour ending at history.end, so a short history after a
  // restart sits at the right; nulls break the line.
  function drawSparks(tile, q) {
    const h = q.history || { service_level: [], waiting: [], step_seconds: 60 };
    const step = h.step_seconds || 60;
    spark($('[data-field="spark_sl"]', tile), 'spark_sl', h.service_level || [], step, 0, 1, q.sl_target, (v) => fmt.pct0.format(v));
    const waits = h.waiting || [];
    const max = Math.max(1, ...waits.filter((v) => v !== null));
    spark($('[data-field="spark_waiting"]', tile), 'spark_waiting', waits, step, 0, max, null, (v) => fmt.int.format(v));
  }

  function spark(fig, key, values, step, lo, hi, target, show) {
    const W = 100, H = 30, hour = 3600;
    const n = values.length;
    const xs = (i) => W - ((n - 1 - i) * step / hour) * W;
    const ys = (v) => H - 1 - ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo || 1)) * (H - 2);
    const segs = [];
    let cur = [];
    values.forEach((v, i) => {
      if (v === null || v === undefined) { if (cur.length) segs.push(cur); cur = []; return; }
      cur.push(`${xs(i).toFixed(2)},${ys(v).toFixed(2)}`);
    });
    if (cur.length) segs.push(cur);
    const present = values.filter((v) => v !== null && v !== undefined);
    const label = present.length
      ? t('spark_range', { label: t(key), first: show(present[0]), last: show(present[present.length - 1]) })
      : `${t(key)}: ${t('no_history')}`;
    // A lone sample is drawn as a short dash (a circle would be squashed by the stretched viewBox).
    const lines = segs.map((s) => {
      if (s.length > 1) return `<polyline points="${s.join(' ')}"/>`;
      const [x, y] = s[0].split(',').map(Number);
      return `<polyline points="${Math.max(0, x - 1.5).toFixed(2)},${y} ${x.toFixed(2)},${y}"/>`;
    }).join('');
    const tline = target === null ? '' : `<line class="target" x1="0" x2="${W}" y1="${ys(target).toFixed(2)}" y2="${ys(target).toFixed(2)}"/>`;
    fig.innerHTML =
      `<svg viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img" aria-label="${esc(label)}">${tline}${lines}</svg>` +
      `<figcaption aria-hidden="true">${esc(t(`${key}_short`))}</figcaption>`;
    // (The caption repeats the SVG's accessible name for sighted readers.)
    fig.dataset.points = String(present.length);
  }

  // ---- banners -------------------------------------------------------------
  function shownNames() { return new Set(shownQueues().map((x) => x.name)); }

  function renderAlerts() {
    const names = shownNames();
    const list = (board.alerts || []).filter((a) => names.has(a.queue));
    const sec = $('#alerts');
    sec.hidden = list.length === 0;
    $('#alert-list').innerHTML = list.map((a) => {
      const metric = has(`m_${a.metric}`) ? `<span data-i18n="m_${esc(a.metric)}">${esc(t(`m_${a.metric}`))}</span>` : `<span translate="no">${esc(a.metric)}</span>`;
      const sev = has(`sev_${a.severity}`) ? `<span class="sev">${esc(t(`sev_${a.severity}`))}</span>` : `<span class="sev" translate="no">${esc(a.severity)}</span>`;
      const cmp = a.comparison === 'below' ? '<' : '>';
      const val = (v) => (typeof v !== 'number' ? '' : a.metric.endsWith('_seconds') ? span(v)
        : /(_rate|_share|service_level|occupancy)$/.test(a.metric) ? fmt.pct.format(v) : fmt.int.format(v));
      // The value is optional (the server may send only the threshold).
      const figure = typeof a.value === 'number' ? `${val(a.value)} ${cmp} ${val(a.threshold)}` : `${cmp} ${val(a.threshold)}`;
      return `<li data-testid="alert" data-queue="${esc(a.queue)}" data-severity="${esc(a.severity)}">` +
        `${sev} <strong translate="no">${esc(a.queue)}</strong> ` +
        `<span translate="no" class="rule">${esc(a.rule)}</span> ${metric} ` +
        `<span translate="no" data-field="alert_value" data-value="${typeof a.value === 'number' ? a.value : ''}">${esc(figure)}</span> ` +
        `<span class="since">${esc(t('since', { t: time(a.since) }))}</span></li>`;
    }).join('');
  }

  function renderNext(elapsed) {
    const names = shownNames();
    const list = (board.next_to_breach || []).filter((x) => names.has(x.queue)).slice(0, NEXT_MAX);
    const ol = $('#next-list');
    $('#next-empty').hidden = list.length > 0;
    const key = list.map((x) => x.interaction_id + x.target).join('|');
    if (ol.dataset.key !== key) {
      ol.dataset.key = key;
      ol.innerHTML = list.map((x) => {
        const tk = has(`t_${x.target}`) ? `t_${x.target}` : null;
        return `<li data-testid="next" data-queue="${esc(x.queue)}" data-interaction="${esc(x.interaction_id)}">` +
          `<strong translate="no">${esc(x.queue)}</strong> ` +
          (tk ? `<span data-i18n="${tk}">${esc(t(tk))}</span>` : `<span translate="no">${esc(x.target)}</span>`) +
          ` <span class="iid" translate="no">${esc(x.interaction_id)}</span>` +
          ` <span class="flag" data-i18n="at_risk_flag"${x.at_risk ? '' : ' hidden'}>${esc(t('at_risk_flag'))}</span>` +
          ` <span class="countdown" data-field="countdown"></span></li>`;
      }).join('');
    }
    [...ol.children].forEach((li, i) => {
      const r = list[i].remaining_seconds - elapsed;
      const s = Math.ceil(r);
      const el = $('[data-field="countdown"]', li);
      if (el.dataset.value === String(s) && el.dataset.lang === lang) return;
      el.dataset.value = String(s);
      el.dataset.lang = lang;
      el.textContent = s >= 0 ? t('due_in', { t: clock(s) }) : t('overdue_by', { t: clock(-s) });
      li.classList.toggle('overdue', s < 0);
    });
  }

  function renderFreshness() {
    const f = board.freshness || {};
    const parts = [];
    const list = (a) => a.map((p) => (typeof p === 'object' ? JSON.stringify(p) : String(p))).join(', ');
    if (f.partitions_behind && f.partitions_behind.length) parts.push(['behind', f.partitions_behind]);
    if (f.partitions_restoring && f.partitions_restoring.length) parts.push(['restoring', f.partitions_restoring]);
    if (f.partitions_missing && f.partitions_missing.length) parts.push(['missing', f.partitions_missing]);
    const el = $('#freshness');
    const lines = parts.map(([k, a]) => `<span data-kind="${k}">${esc(t(k, { list: '\u0000' })).replace('\u0000', `<span translate="no">${esc(list(a))}</span>`)}</span>`);
    if (f.caught_up === false) lines.push(`<span data-kind="not_caught_up">${esc(t('not_caught_up'))}</span>`);
    el.hidden = lines.length === 0;
    el.innerHTML = lines.join(' · ');
  }

  // ---- labels and language -------------------------------------------------
  function applyLabels(root = document) {
    root.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
    root.querySelectorAll('[data-i18n-aria]').forEach((el) => el.setAttribute('aria-label', t(el.dataset.i18nAria)));
  }

  function setLang(l, updateUrl) {
    lang = l;
    document.documentElement.lang = l;
    document.title = `ccpulse — ${t('title')}`;
    document.querySelectorAll('.lang button').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.lang === l)));
    makeFormatters();
    applyLabels();
    $('#window-name').textContent = t(`w_${currentWindow()}`);
    if (updateUrl) {
      const p = new URLSearchParams(location.search);
      p.set('lang', l);
      history.replaceState(null, '', `${location.pathname}?${p.toString()}${location.hash}`);
    }
    if (board) render(); else tick();
  }

  function currentWindow() {
    if (board && Array.isArray(board.windows) && !board.windows.includes(wantedWindow)) return board.windows[0] || '15m';
    return wantedWindow;
  }

  // ---- rendering -------------------------------------------------------------
  function render() {
    const list = shownQueues();
    const keys = list.map((x) => x.name).join('\u0001');
    if (keys !== tileKeys) { tileKeys = keys; buildTiles(list); }
    const win = currentWindow();
    $('#window-name').textContent = t(`w_${win}`);
    document.body.dataset.window = win;
    list.forEach(({ name, q }) => {
      const tile = document.querySelector(`.tile[data-queue="${CSS.escape(name)}"]`);
      if (tile) updateTile(tile, q, win);
    });
    $('#as-of').textContent = time(board.generated_at);
    renderAlerts();
    renderFreshness();
    tick();
    fitToScreen();
  }

  // A TV cannot scroll: when the alert rows, the freshness line or more
  // queues push the next-to-breach strip below the screen, every size
  // shrinks together, as little as needed and at most to FIT_MIN. A screen
  // too small even then (a laptop with many queues) scrolls at full size.
  // Layout is measured synchronously, before the next paint: no flicker.
  function fitToScreen() {
    const root = document.documentElement;
    const fits = () => root.scrollHeight <= window.innerHeight;
    let fit = 1;
    root.style.setProperty('--fit', '1');
    while (!fits() && fit - FIT_STEP >= FIT_MIN - 1e-9) {
      fit = Math.round((fit - FIT_STEP) * 100) / 100;
      root.style.setProperty('--fit', String(fit));
    }
    if (!fits()) fit = 1;
    root.style.setProperty('--fit', String(fit));
    document.body.dataset.fit = String(fit);
  }

  // Every 250 ms: the tickers, the staleness check, the watchdog.
  function tick() {
    const now = performance.now();
    const age = everReceived ? now - receivedAt : now - startedAt;
    const stale = age > STALE_AFTER_MS;
    if (stale && staleSince === null) staleSince = now;
    if (!stale) staleSince = null;
    // Tickers stop when the data goes stale (see the top of this file).
    const elapsed = ((stale ? staleSince : now) - receivedAt) / 1000;
    const state = !everReceived ? (stale ? 'stale' : 'connecting') : stale ? 'stale' : 'live';
    document.body.dataset.state = state;
    const text = $('#status-text');
    const n = Math.floor(age / 1000);
    const say = state === 'connecting' ? t('connecting') : state === 'live' ? t('live')
      : t(everReceived ? 'stale' : 'stale_never', { n: fmt.int.format(n) });
    // Only on change: the status is a live region (announced when it changes).
    if (text.textContent !== say) text.textContent = say;
    if (board) {
      shownQueues().forEach(({ name, q }) => {
        const tile = document.querySelector(`.tile[data-queue="${CSS.escape(name)}"]`);
        if (tile && q) updateLongestWait(tile, q, elapsed);
      });
      renderNext(elapsed);
    }
    if (now - Math.max(receivedAt, lastActivity) > WATCHDOG_MS && retryTimer === null) {
      // Silent for too long: the connection may be half-open. Start over.
      lastActivity = now;
      if (es) es.close();
      scheduleReconnect();
    }
  }

  // ---- the stream ----------------------------------------------------------
  function onBoard(ev) {
    let b;
    try { b = JSON.parse(ev.data); } catch { return; }
    if (!b || !Array.isArray(b.queues)) return;
    const zoneChanged = !board || board.time_zone !== b.time_zone;
    board = b;
    receivedAt = performance.now();
    everReceived = true;
    backoff = BACKOFF_MIN_MS;
    eventId = ev.lastEventId || '';
    document.body.dataset.eventId = eventId;
    document.body.dataset.generatedAt = b.generated_at || '';
    if (zoneChanged) makeFormatters();
    render();
  }

  function connect() {
    if (retryTimer !== null) { clearTimeout(retryTimer); retryTimer = null; }
    if (es) es.close();
    lastActivity = performance.now();
    es = new EventSource('/api/v1/stream');
    es.addEventListener('board', onBoard);
    es.onerror = () => {
      // CONNECTING: the browser retries by itself. CLOSED: it gave up.
      if (es.readyState === EventSource.CLOSED) scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    if (retryTimer !== null) return;
    const wait = backoff;
    backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
    document.body.dataset.reconnectMs = String(wait);
    retryTimer = setTimeout(() => { retryTimer = null; connect(); }, wait);
  }

  document.querySelectorAll('.lang button').forEach((b) => b.addEventListener('click', () => setLang(b.dataset.lang, true)));
  window.addEventListener('resize', fitToScreen);
  setLang(LANGS.includes(lang) ? lang : 'en', false);
  connect();
  setInterval(tick, 250);
})();
