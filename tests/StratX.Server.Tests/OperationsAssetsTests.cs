using System.Text.Json;
using System.Text.RegularExpressions;
using StratX.Tests;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace StratX.Server.Tests;

/// <summary>
/// The Grafana dashboards (infra/grafana/*.json) and Prometheus rules (infra/prometheus/*.yml) ask only for
/// metrics a real node exposes after a replay, and every alert's runbook link lands on a heading of the
/// operations guide.
/// </summary>
[Collection(nameof(MetricsCollection))]
public partial class OperationsAssetsTests(RunningServer server) : IClassFixture<RunningServer>
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    /// <summary>Names the expressions may use that no node can expose, with the reason. Keep it short.</summary>
    private static readonly Dictionary<string, string> NotFromANode = new(StringComparer.Ordinal)
    {
        ["up"] = "Prometheus records it for each scrape target; it is never on a target's page",
    };

    private static readonly HashSet<string> PromQlWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "inf", "nan", "atan2",
    };

    private static string Infra => Path.Combine(RepoPaths.Root, "infra");

    [Fact]
    public async Task Every_metric_the_dashboards_and_the_rules_ask_for_is_on_a_nodes_metrics_page_after_a_replay()
    {
        await MetricsWorkload.RunAsync(server, Ct);

        // The readiness alert counts /health/ready's answers: probe it as a load balancer would. The exporter
        // serves a scrape from its cache for a moment (300 ms by default), so scrape until the probe shows.
        (await server.Http.GetAsync("/health/ready", Ct)).EnsureSuccessStatusCode();
        var page = await MetricsPage.ScrapeAsync(server, Ct);
        for (var tries = 0; !ReadinessProbed(page) && tries < 20; tries++)
        {
            await Task.Delay(500, Ct);
            page = await MetricsPage.ScrapeAsync(server, Ct);
        }

        Assert.True(ReadinessProbed(page), "the /health/ready probe is not counted on /metrics");

        var rules = RuleFiles();
        var recorded = rules.SelectMany(f => f.Rules).Select(r => r.Record).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var uses = rules.SelectMany(f => f.Rules.Select(r => (File: f.Path, Expr: r.Expr ?? "")))
            .Concat(Dashboards().SelectMany(d => d.Exprs.Select(e => (File: d.Path, Expr: e))))
            .ToList();
        Assert.Contains(uses, u => u.File.EndsWith(".json", StringComparison.Ordinal));
        Assert.Contains(uses, u => u.File.EndsWith(".yml", StringComparison.Ordinal));

        var names = page.Names;
        var missing = uses
            .SelectMany(u => MetricNames(u.Expr).Select(name => (u.File, u.Expr, Name: name)))
            .Where(u => !names.Contains(u.Name) && !recorded.Contains(u.Name) && !NotFromANode.ContainsKey(u.Name))
            .Select(u => $"{u.Name} (in {Path.GetRelativePath(RepoPaths.Root, u.File)}: {u.Expr.ReplaceLineEndings(" ")})")
            .Distinct()
            .ToList();
        Assert.True(missing.Count == 0, $"Not on /metrics after a replay, a simulation and a plan (nor recorded by a rule):\n{string.Join('\n', missing)}");

        // The allowance is for names in use only.
        var used = uses.SelectMany(u => MetricNames(u.Expr)).ToHashSet(StringComparer.Ordinal);
        Assert.All(NotFromANode.Keys, name => Assert.Contains(name, used));
    }

    [Fact]
    public void Every_alert_says_how_long_how_bad_and_what_to_do_in_a_heading_of_the_operations_guide()
    {
        var guide = Path.Combine(RepoPaths.Root, "docs", "OPERATIONS.md");
        var anchors = Anchors(File.ReadAllLines(guide));
        var alerts = RuleFiles().SelectMany(f => f.Rules).Where(r => r.Alert is not null).ToList();
        Assert.NotEmpty(alerts);

        var problems = new List<string>();
        foreach (var alert in alerts)
        {
            string? Annotation(string key) => alert.Annotations.GetValueOrDefault(key) is { Length: > 0 } value ? value : null;
            if (alert.For is null)
            {
                problems.Add($"{alert.Alert}: no for:");
            }

            if (alert.Labels.GetValueOrDefault("severity") is not ("critical" or "warning"))
            {
                problems.Add($"{alert.Alert}: severity is neither critical nor warning");
            }

            foreach (var key in new[] { "summary", "description" }.Where(k => Annotation(k) is null))
            {
                problems.Add($"{alert.Alert}: no {key} annotation");
            }

            var runbook = Annotation("runbook");
            const string prefix = "docs/OPERATIONS.md#";
            if (runbook is null || !runbook.StartsWith(prefix, StringComparison.Ordinal))
            {
                problems.Add($"{alert.Alert}: runbook annotation '{runbook}' does not point to {prefix}<anchor>");
            }
            else if (!anchors.Contains(runbook[prefix.Length..]))
            {
                problems.Add($"{alert.Alert}: runbook anchor #{runbook[prefix.Length..]} is no heading of {Path.GetRelativePath(RepoPaths.Root, guide)}");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Dashboards_take_their_data_source_from_a_variable_and_keep_unique_panel_ids()
    {
        foreach (var (path, _) in Dashboards())
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            var root = json.RootElement;
            Assert.Contains(root.GetProperty("templating").GetProperty("list").EnumerateArray(), v => v.GetProperty("name").GetString() == "datasource" && v.GetProperty("type").GetString() == "datasource");
            var panels = root.GetProperty("panels").EnumerateArray().ToList();
            var ids = panels.Select(p => p.GetProperty("id").GetInt32()).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.All(panels.Where(p => p.GetProperty("type").GetString() != "row"), p => Assert.Equal("${datasource}", p.GetProperty("datasource").GetProperty("uid").GetString()));
        }
    }

    [Theory]
    [InlineData("histogram_quantile(0.99, sum by (le, kind) (rate(a_seconds_bucket{kind=\"car\", le!=\"+Inf\"}[5m])))", "a_seconds_bucket")]
    [InlineData("sum(rate(a_total[$__rate_interval])) / on (job) group_left (x) b offset 1h and c:ratio > 1e3", "a_total b c:ratio")]
    [InlineData("min by (job) (ring{job=\"stratx\"}) < on(job) count by (job) (up{job=\"stratx\"}) or vector(0)", "ring up")]
    [InlineData("max_over_time(g[1h:5m]) * 100 unless bool_gauge", "g bool_gauge")]
    public void Metric_names_are_read_out_of_an_expression(string expr, string names) =>
        Assert.Equal(names.Split(' '), MetricNames(expr));

    [Fact]
    public void Headings_give_githubs_anchors_and_code_blocks_none()
    {
        var anchors = Anchors(["## Dashboards and alerts", "```sh", "# not a heading", "```", "### StratXNodeDown", "### Ingest lag: p99 (5 m)"]);
        Assert.Equal(["dashboards-and-alerts", "ingest-lag-p99-5-m", "stratxnodedown"], anchors.Order(StringComparer.Ordinal));
    }

    private static bool ReadinessProbed(MetricsPage page) =>
        page.Lines("http_server_request_duration_seconds_count").Any(l => l.Contains("http_route=\"/health/ready\"", StringComparison.Ordinal));

    /// <summary>
    /// The metric names an expression selects: strings, label matchers, ranges, grouping clauses and Grafana
    /// variables removed, then every identifier that is neither a keyword nor a function call.
    /// </summary>
    internal static IEnumerable<string> MetricNames(string expr)
    {
        var bare = QuotedString().Replace(expr, "\"\"");
        bare = LabelMatchers().Replace(bare, " ");
        bare = Ranges().Replace(bare, " ");
        bare = Grouping().Replace(bare, " ");
        bare = GrafanaVariable().Replace(bare, " ");
        return Identifier().Matches(bare).Select(m => m.Value).Where(w => !PromQlWords.Contains(w)).Distinct();
    }

    /// <summary>GitHub's anchors for a Markdown file's headings: lower case, punctuation dropped, spaces as '-'.</summary>
    internal static HashSet<string> Anchors(IEnumerable<string> lines)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var fenced = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
            }
            else if (!fenced && Heading().Match(line) is { Success: true } heading)
            {
                var text = heading.Groups[1].Value.Trim().ToLowerInvariant();
                anchors.Add(NotInAnchor().Replace(text, "").Replace(' ', '-'));
            }
        }

        return anchors;
    }

    private static List<(string Path, List<Rule> Rules)> RuleFiles()
    {
        var yaml = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).IgnoreUnmatchedProperties().Build();
        var files = Directory.GetFiles(Path.Combine(Infra, "prometheus"), "*.yml").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        return [.. files.Select(f => (f, yaml.Deserialize<RuleFile>(File.ReadAllText(f)).Groups.SelectMany(g => g.Rules).ToList()))];
    }

    private static List<(string Path, List<string> Exprs)> Dashboards()
    {
        var files = Directory.GetFiles(Path.Combine(Infra, "grafana"), "*.json").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        return [.. files.Select(f =>
        {
            using var json = JsonDocument.Parse(File.ReadAllText(f));
            var exprs = new List<string>();
            Collect(json.RootElement, exprs);
            return (f, exprs);
        })];
    }

    /// <summary>Every "expr" string anywhere in a dashboard (panel targets, rows' panels, annotations).</summary>
    private static void Collect(JsonElement element, List<string> exprs)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "expr" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        exprs.Add(property.Value.GetString()!);
                    }
                    else
                    {
                        Collect(property.Value, exprs);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, exprs);
                }

                break;
        }
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", RegexOptions.IgnoreCase)]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\$\{[^}]*\}|\$\w+")]
    private static partial Regex GrafanaVariable();

    /// <summary>A name not glued to a number (5m, 1e3) and not followed by '(' (a function or aggregation).</summary>
    [GeneratedRegex(@"(?<![\w.:])(?>[a-zA-Z_:][\w:]*)(?!\s*\()")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^#{1,6}\s+(.+)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\p{L}\p{Nd}\s_-]")]
    private static partial Regex NotInAnchor();

    private sealed class RuleFile
    {
        public List<RuleGroup> Groups { get; set; } = [];
    }

    private sealed class RuleGroup
    {
        public List<Rule> Rules { get; set; } = [];
    }

    private sealed class Rule
    {
        public string? Alert { get; set; }

        public string? Record { get; set; }

        public string? Expr { get; set; }

        public string? For { get; set; }

        public Dictionary<string, string> Labels { get; set; } = [];

        public Dictionary<string, string> Annotations { get; set; } = [];
    }
}
