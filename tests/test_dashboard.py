"""The dashboard (``mutusim dashboard``): its scenario logic and figures, then the page itself in a
real headless browser (Debian's chromium driven by Playwright), offline.

The browser test starts the server in a subprocess on a free localhost port, with an audit hook
that records and refuses every connection or name lookup to another host (the server side: no
CDN, no telemetry, no version check); Playwright records and refuses every request of the page
to another host (the browser side). It then runs a scenario by clicking, waits for the result
figures, steps the agent view, switches the language, and saves docs/img/dashboard.png.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest

from mutusim.dashboard.agents import record_run
from mutusim.dashboard.figures import fan_chart, network_figure, rings_figure, spend_figure
from mutusim.dashboard.scenario import (
    SIZE_NO_LIMIT,
    Levers,
    Targeting,
    run_comparison,
    scenario_config,
)
from mutusim.dashboard.text import describe_policies
from mutusim.i18n import catalogue, t

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "docs" / "img" / "dashboard.png"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


# ----------------------------------------------------------------------------- without a browser
def test_levers_make_the_scenario():
    levers = Levers(
        population="federation",
        subsidy_rate=0.6,
        facilitators=2,
        pioneer_reward_eur=5000,
        awareness_contacts=250,
        training=True,
        budget_eur=3e6,
    )
    config = scenario_config(levers)
    assert config.population.n_agents == 60
    assert [p.type for p in config.policies] == [
        "pooled_subsidy",
        "facilitator",
        "pioneer_reward",
        "awareness",
        "training",
    ]
    subsidy, facilitator, reward, awareness, _ = config.policies
    assert subsidy.rate == 0.6 and facilitator.facilitators == 2
    assert reward.reward_eur == 5000 and awareness.contacts_per_month == 250
    assert config.budget_eur == 3e6
    assert all(p.budget_eur == 3e6 / 5 for p in config.policies)  # equal shares of the total
    none = scenario_config(Levers(subsidy_rate=0, facilitators=0))
    assert none.policies == [] and none.budget_eur == 0
    assert none.population.n_agents > 6000


def test_a_policy_can_be_targeted_timed_and_given_its_own_budget():
    targeted = Targeting(
        size_max=9, provinces=("hainaut",), start_month=12, end_month=72, budget_eur=1e6
    )
    levers = Levers(
        population="federation",
        facilitators=1,
        targeting=(
            ("pooled_subsidy", targeted),
            ("facilitator", Targeting(sectors=("safa_family_help", "titres_services"))),
        ),
    )
    subsidy, facilitator = scenario_config(levers).policies
    assert subsidy.eligibility.size_max == 9 and subsidy.eligibility.provinces == ["hainaut"]
    assert (subsidy.start_month, subsidy.end_month, subsidy.budget_eur) == (12, 72, 1e6)
    assert facilitator.budget_eur == levers.budget_eur - 1e6  # nothing set: what is left
    assert facilitator.eligibility.sectors == ["safa_family_help"]  # other population's dropped
    # Untouched fields keep the policy file's values; the top of the slider is "no limit".
    assert scenario_config(Levers()).policies[0].eligibility.size_max == 250
    wide = Levers(targeting=(("pooled_subsidy", Targeting(size_max=SIZE_NO_LIMIT)),))
    assert scenario_config(wide).policies[0].eligibility.size_max is None
    words = describe_policies(levers, "fr")
    assert "du mois 12 au mois 72" in words and "provinces : Hainaut" in words
    assert "9 travailleurs au plus" in words and "1 M€" in words


def test_money_spent_by_policy_over_time():
    levers = Levers(population="federation", subsidy_rate=0.5, awareness_contacts=300)
    result = run_comparison(levers, runs=4, seed=1)
    spend = result.spend
    assert set(spend["policy"]) <= {"pooled_subsidy", "facilitator", "awareness"}
    assert "awareness" in set(spend["policy"])
    for _, rows in spend.groupby("policy"):
        assert (rows["eur"].diff().dropna() >= -1e-9).all()  # cumulative
    final = spend[spend["step"] == result.horizon_months]["eur"].sum()
    assert final == pytest.approx(result.scenario.public_eur, rel=1e-9)
    fig = spend_figure(result, "fr")
    assert fig.axes[0].get_title() == t("dashboard_spend_title", "fr")
    assert len(fig.axes[0].lines) == spend["policy"].nunique() + 1  # + the total budget


def test_comparison_is_paired_and_reports_progress():
    shares: list[float] = []
    no_policy = Levers(population="federation", subsidy_rate=0, facilitators=0)
    same = run_comparison(no_policy, runs=6, seed=3, progress=shares.append)
    assert shares == sorted(shares) and shares[-1] == pytest.approx(1.0)
    # Same draws, same (empty) policy set: the scenario is the baseline, run for run.
    assert same.difference_mean == 0 and same.difference_low == same.difference_high == 0
    assert same.scenario.public_eur == 0
    assert not same.cost["eur_per_extra_pooled_ees_meaningful"]
    assert set(same.fan["arm"]) == {"baseline", "scenario"}
    assert same.fan.groupby("arm").size().tolist() == [181, 181]

    levers = Levers(population="federation", subsidy_rate=0.5, awareness_contacts=300)
    result = run_comparison(levers, runs=6, seed=3)
    assert result.runs == 6 and result.n_agents == 60 and result.horizon_months == 180
    assert result.difference_low <= result.difference_mean <= result.difference_high
    assert result.scenario.public_eur > 0
    assert result.baseline.adoption_low <= result.baseline.adoption_median
    assert result.baseline.adoption_median <= result.baseline.adoption_high
    fan = result.fan[result.fan["arm"] == "scenario"]
    assert (fan["q05"] <= fan["q50"]).all() and (fan["q50"] <= fan["q95"]).all()


def test_agent_run_records_projects_and_circles():
    run = record_run(Levers(subsidy_rate=0.5, awareness_contacts=300), seed=0)
    assert run.n_agents == 60 and run.project.shape == (181, 60)
    assert run.positions.shape == (60, 2) and len(run.edges) > 0
    members = run.project >= 0
    assert np.array_equal(members, run.ring >= 0)
    assert not (run.running & ~members).any()
    final = run.horizon_months
    assert sum(run.members_by_ring(final)) == int(run.running[final].sum())
    assert run.running[final].any(), "no project running at the end of this run"
    assert (run.ring[run.running] == 0).any() and (run.ring[run.running] >= 1).any()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_figures_are_labelled_in_the_language(lang):
    result = run_comparison(Levers(population="federation"), runs=4, seed=0)
    fig = fan_chart(result, lang)
    (ax,) = fig.axes
    assert ax.get_xlabel() == t("years", lang)
    assert ax.get_ylabel() == t("adoption_share", lang)
    assert ax.get_title() == t("dashboard_fan_title", lang)
    assert len(ax.lines) == 2 and len(ax.collections) == 4
    run = record_run(Levers(), seed=0)
    net = network_figure(run, 60, lang)
    assert net.axes[0].get_title().startswith(t("dashboard_month", lang))
    labels = [text.get_text() for text in net.axes[0].get_legend().get_texts()]
    assert t("dashboard_ring_core", lang) in labels
    rings = rings_figure(run, 60, lang)
    assert rings.axes[0].get_ylabel() == t("dashboard_member_ees", lang)


def test_every_dashboard_text_is_in_the_catalogue():
    keys = set(catalogue())
    used = set()
    for path in (ROOT / "src" / "mutusim" / "dashboard").glob("*.py"):
        used |= set(re.findall(r"""["'](dashboard_[a-z0-9_]+)["']""", path.read_text()))
    used |= {f"dashboard_policy_{name}" for name in ("pooled_subsidy", "facilitator")}
    used |= {f"dashboard_population_{name}" for name in ("wallonia", "federation")}
    used |= {f"dashboard_language_{code}" for code in ("fr", "en")}
    used |= {f"dashboard_fan_{arm}" for arm in ("baseline", "scenario")}
    assert used - keys == set()


# ----------------------------------------------------------------------------- in a browser
SERVER = r"""
import sys

LOCAL = {"127.0.0.1", "localhost", "::1", "0.0.0.0", "::"}
log = open(sys.argv[2], "a", encoding="utf-8")


def guard(event, args):
    host = None
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple) and address and isinstance(address[0], str):
            host = address[0]
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex"):
        host = args[0].decode() if isinstance(args[0], bytes) else args[0]
    if host and host not in LOCAL:
        log.write(f"{event} {host}\n")
        log.flush()
        raise OSError(f"blocked by the test: {event} {host}")


sys.addaudithook(guard)
from mutusim.dashboard import serve

serve(port=int(sys.argv[1]))
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _is_local(url: str) -> bool:
    if url.startswith("data:"):
        return True
    if url.startswith("blob:"):
        url = url[len("blob:") :]
    parts = urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname in LOCAL_HOSTS


def _wait_for_server(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dashboard server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"dashboard server not answering at {url} after {timeout} s")


@pytest.fixture
def dashboard_server(tmp_path):
    """The dashboard served on a free localhost port; yields (url, server-side blocked log)."""
    port = _free_port()
    blocked = tmp_path / "blocked.txt"
    blocked.touch()
    output = tmp_path / "server.log"
    env = dict(os.environ, SOLARA_TELEMETRY_MIXPANEL_ENABLE="false", PYTHONUNBUFFERED="1")
    with output.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(port), str(blocked)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        try:
            _wait_for_server(url, process, timeout=60)
        except (RuntimeError, TimeoutError) as exc:
            pytest.fail(f"{exc}; its output:\n{output.read_text()}")
        yield url, blocked, output
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _text(page, selector: str) -> str:
    return (page.locator(selector).first.text_content() or "").strip()


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed (apt-get install chromium)"
)
def test_dashboard_in_a_browser(dashboard_server):
    from playwright.sync_api import expect, sync_playwright

    url, server_blocked, server_log = dashboard_server
    requests: list[str] = []
    refused: list[str] = []
    errors: list[str] = []

    def route(route):
        if _is_local(route.request.url):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1900})
            context.route("**/*", route)
            page = context.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.on("websocket", lambda ws: requests.append(ws.url))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.set_default_timeout(30_000)

            page.goto(url, wait_until="domcontentloaded")
            run_button = page.locator(".mutusim-run")
            expect(run_button).to_be_visible(timeout=60_000)
            # French by default, every label from the catalogue.
            assert _text(page, ".mutusim-run") == t("dashboard_run", "fr")
            assert _text(page, ".mutusim-title") == t("dashboard_title", "fr")

            # A small scenario: the federation, 20 runs, the subsidy targeted at Hainaut,
            # started by clicking.
            page.click(".mutusim-population-federation")
            page.click(".mutusim-runs-20")
            page.get_by_text(t("dashboard_targeting", "fr")).click()
            expect(page.locator(".mutusim-targeting")).to_be_visible()
            page.click(".mutusim-province-hainaut label")
            expect(page.locator(".mutusim-province-hainaut input")).to_be_checked()
            run_button.click()
            expect(page.locator(".mutusim-fan img")).to_be_visible(timeout=90_000)
            expect(page.locator(".mutusim-keyfigure")).to_have_count(5)
            expect(page.locator(".mutusim-spend img")).to_be_visible()
            described = _text(page, ".mutusim-results-for")
            assert described.startswith("20 simulations"), described
            assert t("dashboard_policy_facilitator", "fr", n=4) in described
            assert "provinces\u00a0: Hainaut" in described or "provinces : Hainaut" in described
            # Every card says which statistic it shows.
            stats = {t(f"dashboard_stat_{k}", "fr") for k in ("median", "mean", "ratio")}
            for card in page.locator(".mutusim-keyfigure").all():
                assert any(s in (card.text_content() or "") for s in stats)
            median = page.locator(".mutusim-kf-adoption").text_content() or ""
            assert t("dashboard_stat_median", "fr") in median
            fan_width = page.eval_on_selector(".mutusim-fan img", "img => img.naturalWidth")
            assert fan_width > 0

            # The agent view steps month by month.
            expect(page.locator(".mutusim-network img")).to_be_visible()
            month = page.locator(".mutusim-lever-month")
            expect(month).to_contain_text("24 / 180")
            page.click(".mutusim-step")
            expect(month).to_contain_text("25 / 180")
            page.click(".mutusim-step-year")
            expect(month).to_contain_text("37 / 180")

            # English.
            page.click(".mutusim-lang-en")
            expect(run_button).to_have_text(t("dashboard_run", "en"))
            expect(page.locator(".mutusim-title")).to_have_text(t("dashboard_title", "en"))
            expect(page.locator(".mutusim-kf-spend")).to_contain_text(t("dashboard_kf_spend", "en"))
            expect(month).to_contain_text(t("dashboard_month", "en"))
            body = page.locator("body").text_content()
            assert t("dashboard_run", "fr") not in body
            assert t("dashboard_kf_spend", "fr") not in body
            assert "Solara" not in body  # no untranslated framework banner
            assert _text(page, ".mutusim-results-for").startswith("20 runs")

            page.wait_for_function(
                "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
            )
            page.wait_for_timeout(1000)
            bottom = page.eval_on_selector(
                ".mutusim-agents", "e => e.getBoundingClientRect().bottom + window.scrollY"
            )
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=str(SCREENSHOT),
                clip={"x": 0, "y": 0, "width": 1400, "height": min(1900, bottom + 16)},
            )
        finally:
            browser.close()

    log = server_log.read_text()
    assert refused == [], f"the page asked for other hosts: {refused}"
    assert all(_is_local(u) for u in requests), [u for u in requests if not _is_local(u)]
    assert any(u.startswith("ws://127.0.0.1") for u in requests), "no websocket to the server"
    assert server_blocked.read_text() == "", f"server reached out: {server_blocked.read_text()}"
    assert errors == [], errors
    assert "Traceback" not in log, log
    assert SCREENSHOT.stat().st_size > 10_000
