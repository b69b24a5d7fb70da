using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.OpenAI;

namespace Mostlyucid.LlmBackend.Gateway.OpenAi;

/// <summary>
/// <c>POST /v1/embeddings</c>. Input is text or token ids (<see cref="EmbeddingInputs"/>). Vectors are returned as base64 little-endian float32 when the caller asks for
/// <c>encoding_format: "base64"</c> (the official SDKs do unless told otherwise) and as float arrays otherwise.
/// </summary>
internal static class EmbeddingsEndpoint
{
    public static async Task HandleAsync(HttpContext context, ILlmService llm)
    {
        if (await OpenAiRequestGate.ReadAsync(context, llm, OpenAiJsonContext.Default.OpenAiEmbeddingRequest, w => w.Model).ConfigureAwait(false) is not { } wire)
        {
            return;
        }

        var (inputs, problem) = EmbeddingInputs.Read(wire.Input);
        if (inputs is null)
        {
            await OpenAiErrorResponder.WriteAsync(context, 400, problem!, "invalid_request_error", null, "input").ConfigureAwait(false);
            return;
        }

        if (wire.EncodingFormat is not (null or "float" or "base64"))
        {
            await OpenAiErrorResponder.WriteAsync(context, 400, $"encoding_format must be 'float' or 'base64', not '{wire.EncodingFormat}'", "invalid_request_error", null, "encoding_format").ConfigureAwait(false);
            return;
        }

        EmbeddingResponse response;
        try
        {
            response = await llm.EmbedAsync(new EmbeddingRequest { Inputs = inputs, Model = wire.Model, Dimensions = wire.Dimensions }, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        GatewayHeaders.SetAnswer(context.Response, response.BackendUsed, response.Attempts);
        GatewayHeaders.SetCost(context.Response, response.CostUsd);
        if (!response.Success)
        {
            await OpenAiErrorResponder.WriteAsync(context, response.Error ?? new LlmError { Kind = LlmErrorKind.Unknown, Message = "The embedding request failed." }).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json";
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            for (var i = 0; i < response.Embeddings.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("object", "embedding");
                json.WriteNumber("index", i);
                if (wire.EncodingFormat == "base64")
                {
                    json.WriteBase64String("embedding", MemoryMarshal.AsBytes(response.Embeddings[i].AsSpan()));
                }
                else
                {
                    json.WriteStartArray("embedding");
                    foreach (var value in response.Embeddings[i])
                    {
                        json.WriteNumberValue(value);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("model", response.ModelUsed);
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", response.PromptTokens);
            json.WriteNumber("total_tokens", response.TotalTokens);
            if (response.CostUsd is { } cost)
            {
                json.WriteNumber("cost_usd", decimal.Round(cost, 9));
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
