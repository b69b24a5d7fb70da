using System.Text;
using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Translation;

/// <summary>
/// Every cell of docs/gateway.md's compatibility table, run through the gateway against the fake upstream: the exact
/// upstream body (fields mapped, dropped, passed through) and headers; and the document checked to match the table.
/// </summary>
public sealed class CompatibilityTableTests(TranslationFixture gateway) : IClassFixture<TranslationFixture>
{
    public static TheoryData<string, string, string> Cells()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var row in CompatibilityTable.Rows)
        {
            foreach (var column in row.Cells.Keys)
            {
                data.Add(row.Client, row.Parameter, column);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Cell_HappensAsTheTableSays(string client, string parameter, string column)
    {
        var row = CompatibilityTable.Rows.Single(r => r.Client == client && r.Parameter == parameter);
        var (_, check) = row.Cells[column];
        foreach (var model in CompatibilityTable.Models[column])
        {
            var marker = "mk-" + Guid.NewGuid().ToString("N");
            var body = Request(client, model, marker, row.Fragment);
            using var response = await gateway.PostAsync(client == "openai" ? "/v1/chat/completions" : "/v1/messages", body, row.Headers);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            CompatibilityCheck.Verify(check, (int)response.StatusCode, text, gateway.UpstreamRequestWith(marker), $"{client} client, {parameter}, {column} ({model})");
        }
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public void GatewayDoc_ShowsExactlyTheTestedTable(string client)
    {
        var doc = File.ReadAllText(Path.Combine(NodeSdkTests.RepositoryRoot(), "docs", "gateway.md"));
        var expected = Markdown(client);
        Assert.True(doc.Contains(expected, StringComparison.Ordinal), $"docs/gateway.md must hold this table (from CompatibilityTable) word for word:\n{expected}");
    }

    /// <summary>The table for one client format as docs/gateway.md shows it.</summary>
    public static string Markdown(string client)
    {
        var columns = client == "openai"
            ? new[] { CompatibilityTable.OpenAiBackend, CompatibilityTable.AnthropicBackend, CompatibilityTable.OtherBackends }
            : new[] { CompatibilityTable.AnthropicBackend, CompatibilityTable.OpenAiBackend, CompatibilityTable.OtherBackends };
        var text = new StringBuilder();
        text.Append("| Parameter | ").Append(string.Join(" | ", columns)).Append(" |\n");
        text.Append("|---|").Append(string.Concat(columns.Select(_ => "---|"))).Append('\n');
        foreach (var row in CompatibilityTable.Rows.Where(r => r.Client == client))
        {
            text.Append("| ").Append(row.Parameter).Append(" | ")
                .Append(string.Join(" | ", columns.Select(c => row.Cells.TryGetValue(c, out var cell) ? cell.Outcome : "—")))
                .Append(" |\n");
        }

        return text.ToString();
    }

    private static JsonObject Request(string client, string model, string marker, string fragment)
    {
        var request = client == "openai"
            ? new JsonObject { ["model"] = model, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = marker }) }
            : new JsonObject { ["model"] = model, ["max_tokens"] = 64, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = marker }) };
        foreach (var (name, value) in JsonNode.Parse(fragment.Replace("{marker}", marker, StringComparison.Ordinal))!.AsObject())
        {
            request[name] = value?.DeepClone();
        }

        return request;
    }
}
