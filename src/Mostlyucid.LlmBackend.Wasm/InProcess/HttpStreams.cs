using System.Buffers;
using System.Net.Sockets;
using System.Text.Json;
using Mostlyucid.LlmBackend.Wasm.Abi;
using Mostlyucid.LlmBackend.Wasm.Runtime;

namespace Mostlyucid.LlmBackend.Wasm.InProcess;

/// <summary>
/// QueryMT's <c>qmt_http_stream_open</c> and <c>qmt_http_stream_next</c>, with its results: open answers
/// <c>{"status":"ok","stream_id"}</c>, <c>{"status":"cancelled"}</c> or <c>{"status":"error","plugin_error","error_code":1}</c>
/// (a refused response classified as QueryMT's host does); next answers the next bytes of the body, or no block at the
/// end. A host outside the plugin's allowed hosts, an unknown stream and a broken connection trap, as in QueryMT.
/// </summary>
internal static class HttpStreams
{
    private const int ChunkBytes = 16 * 1024;
    private const int MaxErrorBodyBytes = 1024 * 1024;

    public static byte[] Open(HostContext context, byte[] envelope)
    {
        if (context.CallCancellation.IsCancellationRequested)
        {
            return """{"status":"cancelled"}"""u8.ToArray();
        }

        if (context.Plugin.Http is not { } http)
        {
            throw new InvalidOperationException("This host sends no HTTP requests for this plugin.");
        }

        PluginHttpResponse stream;
        try
        {
            stream = HostFunctions.Wait(http.OpenStreamAsync(envelope, context.CallCancellation));
        }
        catch (OperationCanceledException) when (context.CallCancellation.IsCancellationRequested)
        {
            return """{"status":"cancelled"}"""u8.ToArray();
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            return Error(Transport(ex));
        }
        finally
        {
            context.RestartClock();
        }

        if (stream.Status is < 200 or >= 300)
        {
            try
            {
                var body = ReadAll(stream);
                return Error(QueryMtHttpStatus.Payload(stream.Status, stream.Headers, body));
            }
            finally
            {
                stream.DisposeAsync().AsTask().GetAwaiter().GetResult();
                context.RestartClock();
            }
        }

        var id = context.AddStream(stream);
        return JsonSerializer.SerializeToUtf8Bytes(new StreamOpened(id), WasmHostJsonContext.Default.StreamOpened);
    }

    public static long Next(HostContext context, long id)
    {
        if (id == 0)
        {
            return 0;
        }

        var stream = context.Stream(id) ?? throw new InvalidOperationException($"Stream {id} not found");
        if (context.CallCancellation.IsCancellationRequested || stream.Body is null)
        {
            return 0;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int read;
            try
            {
                read = HostFunctions.Wait(stream.Body.ReadAsync(buffer.AsMemory(0, ChunkBytes), context.CallCancellation).AsTask());
            }
            catch (OperationCanceledException) when (context.CallCancellation.IsCancellationRequested)
            {
                return 0;
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                throw new InvalidOperationException($"Stream error: {ex.Message}");
            }
            finally
            {
                context.RestartClock();
            }

            // Never an empty block for data: QueryMT's plugins read an empty block as the end.
            return read == 0 ? 0 : context.Kernel.Store(buffer.AsSpan(0, read));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Error(string payload) =>
        JsonSerializer.SerializeToUtf8Bytes(new StreamOpenFailed(payload), WasmHostJsonContext.Default.StreamOpenFailed);

    private static string Transport(Exception ex)
    {
        var kind = ex switch
        {
            OperationCanceledException => "timeout",
            HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } } => "connection_refused",
            HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.HostNotFound } } => "dns",
            HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionReset } } => "connection_reset",
            _ => "other",
        };
        return JsonSerializer.Serialize(new TransportFailure(new TransportPayload(kind, ex.Message)), WasmHostJsonContext.Default.TransportFailure);
    }

    private static byte[] ReadAll(PluginHttpResponse stream)
    {
        if (stream.Body is null)
        {
            return Array.Empty<byte>();
        }

        using var copy = new MemoryStream();
        var buffer = new byte[ChunkBytes];
        int read;
        while (copy.Length < MaxErrorBodyBytes && (read = stream.Body.Read(buffer, 0, buffer.Length)) > 0)
        {
            copy.Write(buffer, 0, read);
        }

        return copy.ToArray();
    }
}
