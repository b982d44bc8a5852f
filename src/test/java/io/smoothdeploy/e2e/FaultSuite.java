package io.smoothdeploy.e2e;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fault suite: every scenario, once without faults and then once per seed with faults (crashes at random
 * crash points, duplicate, reordered and late deliveries, lock expiry mid-step, commands sent twice), each
 * faulty run compared with the run without faults. Prints a line per scenario and the totals.
 *
 * <pre>mvn -q test-compile exec:java@faults                      (default: seeds 1..8)
 * mvn -q test-compile exec:java@faults -Dfaults.seeds=20 -Dfaults.firstSeed=100 -Dfaults.only=3app</pre>
 *
 * Exits 1 when anything was stuck, swapped twice, repeated, left in maintenance or different, or when a
 * delivery overran its time budget.
 */
public final class FaultSuite {

    /** The figures of a set of runs. */
    static final class Totals {
        int runs;
        int crashes;
        int stuck;
        int doubleSwaps;
        int repeatedIrreversible;
        int leftInMaintenance;
        int mismatched;
        int overBudget;
        int lockLosses;
        final List<String> problems = new ArrayList<>();

        void add(Totals other) {
            runs += other.runs;
            crashes += other.crashes;
            stuck += other.stuck;
            doubleSwaps += other.doubleSwaps;
            repeatedIrreversible += other.repeatedIrreversible;
            leftInMaintenance += other.leftInMaintenance;
            mismatched += other.mismatched;
            overBudget += other.overBudget;
            lockLosses += other.lockLosses;
            problems.addAll(other.problems);
        }

        boolean clean() {
            return stuck + doubleSwaps + repeatedIrreversible + leftInMaintenance + mismatched + overBudget == 0;
        }

        String line(String name) {
            return String.format(Locale.ROOT, "%-42s %5d %7d %5d %6d %8d %11d %10d %10d %10d", name, runs, crashes,
                    stuck, doubleSwaps, repeatedIrreversible, leftInMaintenance, mismatched, overBudget, lockLosses);
        }

        static String header() {
            return String.format(Locale.ROOT, "%-42s %5s %7s %5s %6s %8s %11s %10s %10s %10s", "scenario", "runs",
                    "crashes", "stuck", "double", "repeated", "maintenance", "mismatched", "overBudget",
                    "lockLosses");
        }
    }

    private FaultSuite() {
    }

    public static void main(String[] args) {
        // The runs log every step and every injected crash; the suite's own lines are what to read.
        java.util.logging.LogManager.getLogManager().reset();
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.OFF);
        int seeds = Integer.getInteger("faults.seeds", 8);
        long first = Long.getLong("faults.firstSeed", 1L);
        String only = System.getProperty("faults.only", "");
        List<FaultScenario> scenarios = FaultScenario.all().stream().filter(s -> s.name().contains(only)).toList();
        Totals total = run(scenarios, first, seeds, System.out);
        System.exit(total.clean() ? 0 : 1);
    }

    /** Runs {@code scenarios} with seeds {@code first} .. {@code first + seeds - 1}; prints as it goes. */
    static Totals run(List<FaultScenario> scenarios, long first, int seeds, PrintStream out) {
        out.println("Fault suite: " + scenarios.size() + " scenario(s) x " + seeds + " seed(s), from seed " + first);
        out.println(Totals.header());
        Totals total = new Totals();
        for (FaultScenario scenario : scenarios) {
            Totals figures = runScenario(scenario, first, seeds);
            out.println(figures.line(scenario.name()));
            figures.problems.forEach(p -> out.println("    " + p));
            total.add(figures);
        }
        out.println(total.line("TOTAL"));
        out.println(total.clean() ? "All runs ended as the run without faults did." : "PROBLEMS FOUND (see above)");
        return total;
    }

    static Totals runScenario(FaultScenario scenario, long first, int seeds) {
        FaultRun.Outcome baseline;
        try (FaultRun run = new FaultRun(scenario, null)) {
            baseline = run.run();
        }
        Totals figures = new Totals();
        if (baseline.stuck() || baseline.leftInMaintenance() > 0) {
            figures.stuck++;
            figures.problems.add("the run without faults did not end cleanly: " + baseline.signature());
            return figures;
        }
        for (long seed = first; seed < first + seeds; seed++) {
            FaultRun.Outcome outcome;
            try (FaultRun run = new FaultRun(scenario, seed)) {
                outcome = run.run();
            } catch (RuntimeException e) {
                figures.runs++;
                figures.stuck++;
                figures.problems.add("seed " + seed + ": the run broke: " + e);
                continue;
            }
            compare(scenario, seed, baseline, outcome, figures);
        }
        return figures;
    }

    private static void compare(FaultScenario scenario, long seed, FaultRun.Outcome baseline, FaultRun.Outcome outcome,
                                Totals figures) {
        figures.runs++;
        figures.crashes += outcome.crashes();
        figures.lockLosses += outcome.lockLosses();
        String where = "seed " + seed + ": ";
        if (outcome.stuck()) {
            figures.stuck++;
            figures.problems.add(where + "stuck at " + outcome.signature());
        }
        for (Map.Entry<String, Integer> site : outcome.swaps().entrySet()) {
            int planned = baseline.swaps().getOrDefault(site.getKey(), 0);
            if (site.getValue() > planned) {
                figures.doubleSwaps += site.getValue() - planned;
                figures.problems.add(where + site.getKey() + " swapped " + site.getValue() + " times; the plan says "
                        + planned);
            }
        }
        Map<String, Integer> allowed = counts(baseline.irreversible());
        for (Map.Entry<String, Integer> action : counts(outcome.irreversible()).entrySet()) {
            int planned = allowed.getOrDefault(action.getKey(), 0);
            if (action.getValue() > planned) {
                figures.repeatedIrreversible += action.getValue() - planned;
                figures.problems.add(where + action.getKey() + " done " + action.getValue() + " times; the plan says "
                        + planned);
            }
        }
        if (!outcome.stuck() && outcome.leftInMaintenance() > 0) {
            figures.leftInMaintenance += outcome.leftInMaintenance();
            figures.problems.add(where + outcome.leftInMaintenance() + " web app(s) left in maintenance: "
                    + outcome.signature());
        }
        if (!outcome.stuck() && !outcome.signature().equals(baseline.signature())) {
            figures.mismatched++;
            figures.problems.add(where + "ended as " + outcome.signature() + "; without faults: " + baseline.signature());
        }
        if (outcome.deliveriesOverBudget() > 0) {
            figures.overBudget += outcome.deliveriesOverBudget();
            figures.problems.add(where + outcome.deliveriesOverBudget() + " deliveries over the time budget");
        }
    }

    private static Map<String, Integer> counts(List<String> actions) {
        Map<String, Integer> counts = new HashMap<>();
        actions.forEach(a -> counts.merge(a, 1, Integer::sum));
        return counts;
    }
}
