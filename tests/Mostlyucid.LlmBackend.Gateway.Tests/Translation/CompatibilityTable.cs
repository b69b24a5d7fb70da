namespace Mostlyucid.LlmBackend.Gateway.Tests.Translation;

/// <summary>
/// The per-format-pair compatibility table of docs/gateway.md, as data: every cell is run through the gateway by
/// <see cref="CompatibilityTableTests"/>, and the document is checked to say exactly what this table says.
/// </summary>
public static class CompatibilityTable
{
    public const string OpenAiBackend = "OpenAI-format backend";
    public const string AnthropicBackend = "Anthropic backend";
    public const string OtherBackends = "Gemini / Ollama / Cohere backend";
    public const string Dropped = "dropped (debug log)";
    public const string PassedThrough = "passed through";

    /// <summary>The model each column's requests name (the column for other formats runs against all three).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Models = new Dictionary<string, string[]>
    {
        [OpenAiBackend] = new[] { "gpt-fake" },
        [AnthropicBackend] = new[] { "claude-fake" },
        [OtherBackends] = new[] { "gemini-fake", "ollama-fake", "cohere-fake" },
    };

    private const string Pdf = "JVBERi0xLjQK"; // "%PDF-1.4\n"

    // Before Rows: static fields are initialized in order.
    private static readonly IReadOnlyDictionary<string, string> BetaAndVersion = new Dictionary<string, string>
    {
        ["anthropic-beta"] = "files-api-2025-04-14,extended-cache-ttl-2025-04-11",
        ["anthropic-version"] = "2099-01-01",
    };

    public static readonly IReadOnlyList<CompatibilityRow> Rows = new[]
    {
        // ---- OpenAI-shape clients: POST /v1/chat/completions ----
        OpenAi("`temperature`, `top_p`", """{"temperature":0.3,"top_p":0.9}""",
            (OpenAiBackend, "`temperature`, `top_p`", "has:temperature=0.3 && has:top_p=0.9"),
            (AnthropicBackend, "`temperature`, `top_p`", "has:temperature=0.3 && has:top_p=0.9")),
        OpenAi("`max_tokens` / `max_completion_tokens`", """{"max_completion_tokens":77}""",
            (OpenAiBackend, "`max_completion_tokens` (OpenAI; `max_tokens` for compatible servers)", "has:max_completion_tokens=77"),
            (AnthropicBackend, "`max_tokens`", "has:max_tokens=77")),
        OpenAi("`stop`", """{"stop":["END"]}""",
            (OpenAiBackend, "`stop`", """has:stop=["END"]"""),
            (AnthropicBackend, "`stop_sequences`", """has:stop_sequences=["END"]""")),
        OpenAi("`seed`", """{"seed":7}""",
            (OpenAiBackend, "`seed`", "has:seed=7"),
            (AnthropicBackend, Dropped, "lacks:seed")),
        OpenAi("`frequency_penalty`, `presence_penalty`", """{"frequency_penalty":0.5,"presence_penalty":0.25}""",
            (OpenAiBackend, "`frequency_penalty`, `presence_penalty`", "has:frequency_penalty=0.5 && has:presence_penalty=0.25"),
            (AnthropicBackend, Dropped, "lacks:frequency_penalty && lacks:presence_penalty")),
        OpenAi("`user`", """{"user":"u-42"}""",
            (OpenAiBackend, "`user`", "has:user=\"u-42\""),
            (AnthropicBackend, "`metadata.user_id`", "has:metadata.user_id=\"u-42\" && lacks:user")),
        OpenAi("`logprobs`, `top_logprobs`", """{"logprobs":true,"top_logprobs":2}""",
            (OpenAiBackend, "`logprobs`, `top_logprobs` (returned to the client)", "has:logprobs=true && has:top_logprobs=2"),
            (AnthropicBackend, Dropped, "lacks:logprobs && lacks:top_logprobs")),
        OpenAi("`reasoning_effort`", """{"reasoning_effort":"low"}""",
            (OpenAiBackend, "`reasoning_effort`", "has:reasoning_effort=\"low\""),
            (AnthropicBackend, Dropped, "lacks:reasoning_effort")),
        OpenAi("`store`, `metadata`, `service_tier`, `logit_bias`, `prediction`, `modalities` (and any other field the gateway does not map)",
            """{"store":true,"metadata":{"k":"v"},"service_tier":"auto","logit_bias":{"50256":-100},"prediction":{"type":"content","content":"x"},"modalities":["text"]}""",
            (OpenAiBackend, PassedThrough, "has:store=true && has:metadata.k=\"v\" && has:service_tier=\"auto\" && has:logit_bias.50256=-100 && has:prediction.type=\"content\" && has:modalities=[\"text\"]"),
            (AnthropicBackend, Dropped, "lacks:store && lacks:metadata && lacks:service_tier && lacks:logit_bias && lacks:prediction && lacks:modalities"),
            (OtherBackends, Dropped, "lacks:store && lacks:metadata && lacks:service_tier && lacks:logit_bias && lacks:prediction && lacks:modalities")),
        OpenAi("`tools[].function.strict`", """{"tools":[{"type":"function","function":{"name":"get_weather","strict":true,"parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}""",
            (OpenAiBackend, "`strict`", "has:tools.0.function.strict=true"),
            (AnthropicBackend, Dropped, "has:tools.0.name=\"get_weather\" && lacks:tools.0.strict")),
        OpenAi("`tool_choice: \"required\"`", """{"tool_choice":"required","tools":[{"type":"function","function":{"name":"get_weather"}}]}""",
            (OpenAiBackend, "`tool_choice: \"required\"`", "has:tool_choice=\"required\""),
            (AnthropicBackend, "`tool_choice: {\"type\":\"any\"}`", "has:tool_choice.type=\"any\"")),
        OpenAi("`parallel_tool_calls: false`", """{"parallel_tool_calls":false,"tools":[{"type":"function","function":{"name":"get_weather"}}]}""",
            (OpenAiBackend, "`parallel_tool_calls`", "has:parallel_tool_calls=false"),
            (AnthropicBackend, "`tool_choice.disable_parallel_tool_use`", "has:tool_choice.disable_parallel_tool_use=true")),
        OpenAi("`response_format` (`json_schema`)", """{"response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object"}}}}""",
            (OpenAiBackend, "`response_format`", "has:response_format.type=\"json_schema\""),
            (AnthropicBackend, "an instruction with the schema appended to `system`", "contains:system=JSON Schema && lacks:response_format")),
        OpenAi("system message as text parts (`A`, `B`)", """{"messages":[{"role":"system","content":[{"type":"text","text":"A"},{"type":"text","text":"B"}]},{"role":"user","content":"{marker}"}]}""",
            (OpenAiBackend, "one system string, `A\\n\\nB`", "has:messages.0.content=\"A\\n\\nB\""),
            (AnthropicBackend, "`system: \"A\\n\\nB\"`", "has:system=\"A\\n\\nB\"")),
        OpenAi("`file` part (PDF as base64 `file_data`)", $$$"""{"messages":[{"role":"user","content":[{"type":"text","text":"{marker}"},{"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,{{{Pdf}}}"}}]}]}""",
            (OpenAiBackend, "`file` part", "has:messages.0.content.1.type=\"file\" && has:messages.0.content.1.file.file_data=\"data:application/pdf;base64," + Pdf + "\""),
            (AnthropicBackend, "`document` block (base64 PDF)", "has:messages.0.content.1.type=\"document\" && has:messages.0.content.1.source.data=\"" + Pdf + "\"")),
        OpenAi("`n` greater than 1", """{"n":2}""",
            (OpenAiBackend, "400", "status:400"),
            (AnthropicBackend, "400", "status:400")),

        // ---- Anthropic-shape clients: POST /v1/messages ----
        Anthropic("`temperature`, `top_p`", """{"temperature":0.3,"top_p":0.9}""",
            (AnthropicBackend, "`temperature`, `top_p`", "has:temperature=0.3 && has:top_p=0.9"),
            (OpenAiBackend, "`temperature`, `top_p`", "has:temperature=0.3 && has:top_p=0.9")),
        Anthropic("`max_tokens`", """{"max_tokens":55}""",
            (AnthropicBackend, "`max_tokens`", "has:max_tokens=55"),
            (OpenAiBackend, "`max_completion_tokens` (OpenAI; `max_tokens` for compatible servers)", "has:max_completion_tokens=55")),
        Anthropic("`top_k`", """{"top_k":5}""",
            (AnthropicBackend, "`top_k`", "has:top_k=5"),
            (OpenAiBackend, Dropped, "lacks:top_k")),
        Anthropic("`stop_sequences`", """{"stop_sequences":["END"]}""",
            (AnthropicBackend, "`stop_sequences`", """has:stop_sequences=["END"]"""),
            (OpenAiBackend, "`stop`", """has:stop=["END"]""")),
        Anthropic("`metadata.user_id`", """{"metadata":{"user_id":"u-42"}}""",
            (AnthropicBackend, "`metadata.user_id`", "has:metadata.user_id=\"u-42\""),
            (OpenAiBackend, "`user`", "has:user=\"u-42\" && lacks:metadata")),
        Anthropic("`system` as blocks (`A`, `B`)", """{"system":[{"type":"text","text":"A"},{"type":"text","text":"B"}]}""",
            (AnthropicBackend, "`system: \"A\\n\\nB\"`", "has:system=\"A\\n\\nB\""),
            (OpenAiBackend, "one system message, `A\\n\\nB`", "has:messages.0.role=\"system\" && has:messages.0.content=\"A\\n\\nB\"")),
        Anthropic("`cache_control` on a system block", """{"system":[{"type":"text","text":"A"},{"type":"text","text":"B","cache_control":{"type":"ephemeral"}}]}""",
            (AnthropicBackend, "kept: `system` sent as blocks", "has:system.0.text=\"A\" && lacks:system.0.cache_control && has:system.1.cache_control.type=\"ephemeral\""),
            (OpenAiBackend, Dropped + "; system `A\\n\\nB`", "has:messages.0.content=\"A\\n\\nB\" && absent:cache_control")),
        Anthropic("`cache_control` on a content block", """{"messages":[{"role":"user","content":[{"type":"text","text":"{marker}","cache_control":{"type":"ephemeral","ttl":"1h"}}]}]}""",
            (AnthropicBackend, "kept", "has:messages.0.content.0.cache_control.ttl=\"1h\""),
            (OpenAiBackend, Dropped, "absent:cache_control")),
        Anthropic("`cache_control` on a tool", """{"tools":[{"name":"get_weather","input_schema":{"type":"object"},"cache_control":{"type":"ephemeral"}}]}""",
            (AnthropicBackend, "kept", "has:tools.0.cache_control.type=\"ephemeral\""),
            (OpenAiBackend, Dropped, "has:tools.0.function.name=\"get_weather\" && absent:cache_control")),
        Anthropic("`document` block, PDF as base64", $$$"""{"messages":[{"role":"user","content":[{"type":"document","title":"a.pdf","source":{"type":"base64","media_type":"application/pdf","data":"{{{Pdf}}}"}},{"type":"text","text":"{marker}"}]}]}""",
            (AnthropicBackend, "`document` block", "has:messages.0.content.0.type=\"document\" && has:messages.0.content.0.title=\"a.pdf\" && has:messages.0.content.0.source.data=\"" + Pdf + "\""),
            (OpenAiBackend, "`file` part (`file_data` as a `data:` URL)", "has:messages.0.content.0.type=\"file\" && has:messages.0.content.0.file.filename=\"a.pdf\" && has:messages.0.content.0.file.file_data=\"data:application/pdf;base64," + Pdf + "\"")),
        Anthropic("`document` block, PDF by URL", """{"messages":[{"role":"user","content":[{"type":"document","source":{"type":"url","url":"https://example.com/a.pdf"}},{"type":"text","text":"{marker}"}]}]}""",
            (AnthropicBackend, "`document` block", "has:messages.0.content.0.source.url=\"https://example.com/a.pdf\""),
            (OpenAiBackend, "400 naming the block (OpenAI's chat format takes PDFs inline only)", "status:400 && error:document block given by URL")),
        Anthropic("`document` block, plain text", """{"messages":[{"role":"user","content":[{"type":"document","title":"Notes","source":{"type":"text","media_type":"text/plain","data":"Some notes."}},{"type":"text","text":"{marker}"}]}]}""",
            (AnthropicBackend, "`document` block", "has:messages.0.content.0.source.type=\"text\" && has:messages.0.content.0.source.data=\"Some notes.\""),
            (OpenAiBackend, "text part (title, blank line, text)", "has:messages.0.content.0.type=\"text\" && has:messages.0.content.0.text=\"Notes\\n\\nSome notes.\"")),
        Anthropic("`tool_choice: {\"type\":\"any\"}`", """{"tool_choice":{"type":"any"},"tools":[{"name":"get_weather","input_schema":{"type":"object"}}]}""",
            (AnthropicBackend, "`tool_choice.type: \"any\"`", "has:tool_choice.type=\"any\""),
            (OpenAiBackend, "`tool_choice: \"required\"`", "has:tool_choice=\"required\"")),
        Anthropic("`tool_choice.disable_parallel_tool_use`", """{"tool_choice":{"type":"auto","disable_parallel_tool_use":true},"tools":[{"name":"get_weather","input_schema":{"type":"object"}}]}""",
            (AnthropicBackend, "`tool_choice.disable_parallel_tool_use`", "has:tool_choice.disable_parallel_tool_use=true"),
            (OpenAiBackend, "`parallel_tool_calls: false`", "has:parallel_tool_calls=false")),
        Anthropic("`thinking` (`budget_tokens`)", """{"max_tokens":2048,"thinking":{"type":"enabled","budget_tokens":1024}}""",
            (AnthropicBackend, "`thinking`", "has:thinking.budget_tokens=1024"),
            (OpenAiBackend, Dropped, "lacks:thinking")),
        Anthropic("`service_tier`, `container`, `mcp_servers`, `context_management` (and any other field the gateway does not map)",
            """{"service_tier":"auto","container":"c-1","mcp_servers":[],"context_management":{"edits":[]}}""",
            (AnthropicBackend, PassedThrough, "has:service_tier=\"auto\" && has:container=\"c-1\" && has:mcp_servers=[] && has:context_management.edits=[]"),
            (OpenAiBackend, Dropped, "lacks:service_tier && lacks:container && lacks:mcp_servers && lacks:context_management"),
            (OtherBackends, Dropped, "lacks:service_tier && lacks:container && lacks:mcp_servers && lacks:context_management")),
        Anthropic("`anthropic-beta` header", "{}",
            (AnthropicBackend, "forwarded", "header:anthropic-beta=files-api-2025-04-14,extended-cache-ttl-2025-04-11"),
            (OpenAiBackend, Dropped, "noheader:anthropic-beta"),
            (OtherBackends, Dropped, "noheader:anthropic-beta")),
        Anthropic("`anthropic-version` header", "{}",
            (AnthropicBackend, "the backend's own `ApiVersion` (default `2023-06-01`), not the client's", "header:anthropic-version=2023-06-01"),
            (OpenAiBackend, "not sent", "noheader:anthropic-version")),
    };

    private static CompatibilityRow OpenAi(string parameter, string fragment, params (string Column, string Outcome, string Check)[] cells) =>
        new("openai", parameter, fragment, cells.ToDictionary(c => c.Column, c => (c.Outcome, c.Check)));

    private static CompatibilityRow Anthropic(string parameter, string fragment, params (string Column, string Outcome, string Check)[] cells) =>
        new("anthropic", parameter, fragment, cells.ToDictionary(c => c.Column, c => (c.Outcome, c.Check)), parameter.Contains("header", StringComparison.Ordinal) ? BetaAndVersion : null);
}
