using System.Text;
using System.Text.Json;
using Anthropic;
using Anthropic.Core;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;

namespace Mostlyucid.LlmBackend.Gateway.Tests;

/// <summary>The gateway's <c>/v1/messages</c> driven by the official Anthropic .NET SDK, against both backend formats.</summary>
[Collection(nameof(GatewayCollection))]
public sealed class AnthropicSdkTests(GatewayFixture gateway)
{
    private AnthropicClient Client(string key = GatewayFixture.Key) =>
        new(new ClientOptions { BaseUrl = gateway.BaseUrl, ApiKey = key, MaxRetries = 0 });

    private static MessageCreateParams Ask(string model, string text, IReadOnlyList<ToolUnion>? tools = null) => new()
    {
        Model = model,
        MaxTokens = 256,
        System = "Be brief.",
        Messages = new List<MessageParam> { new UserMessageParam { Content = text } },
        Tools = tools,
    };

    private static ToolUnion WeatherTool() => new Tool
    {
        Name = "get_weather",
        Description = "Current weather",
        InputSchema = new InputSchema
        {
            Properties = new Dictionary<string, JsonElement> { ["city"] = JsonDocument.Parse("""{"type":"string"}""").RootElement },
            Required = new[] { "city" },
        },
    };

    [Theory]
    [InlineData("claude-fake")]
    [InlineData("gpt-fake")]
    public async Task Messages_Create_AnswersFromEitherBackendFormat(string model)
    {
        var message = await Client().Messages.Create(Ask(model, "Hello gateway"));

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal($"Echo from {model} (system: Be brief.): Hello gateway", text!.Text);
        Assert.Equal(model, message.Model.Raw());
        Assert.Equal(StopReason.EndTurn, message.StopReason!.Value());
        Assert.Equal(4, message.Usage.InputTokens);
        Assert.True(message.Usage.OutputTokens > 0);
    }

    [Theory]
    [InlineData("claude-fake")]
    [InlineData("gpt-fake")]
    public async Task Messages_Stream_EventsRebuildTheSameText(string model)
    {
        var whole = await Client().Messages.Create(Ask(model, "stream a few words please"));
        whole.Content[0].TryPickText(out var wholeText);

        var text = new StringBuilder();
        var types = new List<string>();
        long? outputTokens = null;
        await foreach (var streamEvent in Client().Messages.CreateStreaming(Ask(model, "stream a few words please")))
        {
            types.Add(streamEvent.Type.Raw());
            if (streamEvent.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickText(out var piece))
            {
                text.Append(piece!.Text);
            }

            if (streamEvent.TryPickDelta(out var messageDelta))
            {
                outputTokens = messageDelta!.Usage.OutputTokens;
            }
        }

        Assert.Equal(wholeText!.Text, text.ToString());
        Assert.Equal("message_start", types[0]);
        Assert.Equal("message_stop", types[^1]);
        Assert.Contains("content_block_start", types);
        Assert.Contains("content_block_stop", types);
        Assert.True(outputTokens > 0);
    }

    [Theory]
    [InlineData("claude-fake", false)]
    [InlineData("claude-fake", true)]
    [InlineData("gpt-fake", false)]
    [InlineData("gpt-fake", true)]
    public async Task Tools_RoundTrip_ThroughTheMessagesApi(string model, bool stream)
    {
        var request = Ask(model, "Weather in Paris?", new[] { WeatherTool() });

        var (id, name, input) = stream ? await StreamedToolUseAsync(request) : await ToolUseAsync(request);

        Assert.Equal("get_weather", name);
        Assert.Equal("Paris", input.GetProperty("city").GetString());
        var followUp = request with
        {
            Messages = new List<MessageParam>
            {
                new UserMessageParam { Content = "Weather in Paris?" },
                new AssistantMessageParam { Content = new List<ContentBlockParam> { new ToolUseBlockParam { ID = id, Name = name, Input = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(input.GetRawText())! } } },
                new UserMessageParam { Content = new List<ContentBlockParam> { new ToolResultBlockParam { ToolUseID = id, Content = "sunny, 21C" } } },
            },
        };
        var final = await Client().Messages.Create(followUp);

        Assert.True(final.Content[0].TryPickText(out var text));
        Assert.Equal("The tool said: sunny, 21C", text!.Text);
    }

    [Fact]
    public async Task Models_AreListedInAnthropicsShape()
    {
        var ids = new List<string>();
        await foreach (var model in (await Client().Models.List()).Paginate())
        {
            ids.Add(model.ID);
        }

        Assert.Contains("claude-fake", ids);
        Assert.Contains("smart", ids);
    }

    [Theory]
    [InlineData("no-such-model", GatewayFixture.Key, 404)]
    [InlineData("error-429", GatewayFixture.Key, 429)]
    [InlineData("context-too-long", GatewayFixture.Key, 400)]
    [InlineData("claude-fake", "wrong-key-0123456789", 401)]
    public async Task Errors_HaveAnthropicsStatuses(string model, string key, int status)
    {
        var error = await Assert.ThrowsAnyAsync<AnthropicApiException>(() => Client(key).Messages.Create(Ask(model, "hi")));

        Assert.Equal(status, (int)error.StatusCode);
        Assert.Contains("\"type\":\"error\"", error.ResponseBody, StringComparison.Ordinal);
    }

    private async Task<(string Id, string Name, JsonElement Input)> ToolUseAsync(MessageCreateParams request)
    {
        var message = await Client().Messages.Create(request);
        Assert.Equal(StopReason.ToolUse, message.StopReason!.Value());
        var block = message.Content.Single(b => b.TryPickToolUse(out _));
        block.TryPickToolUse(out var toolUse);
        return (toolUse!.ID, toolUse.Name, JsonSerializer.SerializeToElement(toolUse.Input));
    }

    private async Task<(string Id, string Name, JsonElement Input)> StreamedToolUseAsync(MessageCreateParams request)
    {
        string? id = null;
        string? name = null;
        var json = new StringBuilder();
        StopReason? stop = null;
        await foreach (var streamEvent in Client().Messages.CreateStreaming(request))
        {
            if (streamEvent.TryPickContentBlockStart(out var start) && start!.ContentBlock.TryPickToolUse(out var toolUse))
            {
                (id, name) = (toolUse!.ID, toolUse.Name);
            }
            else if (streamEvent.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickInputJson(out var partial))
            {
                json.Append(partial!.PartialJson);
            }
            else if (streamEvent.TryPickDelta(out var messageDelta) && messageDelta!.Delta.StopReason is { } reason)
            {
                stop = reason.Value();
            }
        }

        Assert.Equal(StopReason.ToolUse, stop);
        return (id!, name!, JsonDocument.Parse(json.ToString()).RootElement.Clone());
    }
}
