using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.FakeProvider.Brain;
using Mostlyucid.LlmBackend.FakeProvider.Faults;
using Mostlyucid.LlmBackend.FakeProvider.Formats;

namespace Mostlyucid.LlmBackend.FakeProvider;

/// <summary>
/// A fake LLM provider on real Kestrel, bound to 127.0.0.1 on a free port, speaking every supported provider's wire format
/// at that provider's paths (one <see cref="IFakeProviderFormat"/> each). <see cref="FakeBrain"/> decides the answers the
/// same way for all of them, so one test suite can run against every provider. It records every raw request and every
/// normalized conversation, checks each format's API key header, and fails on demand (by model name, see
/// <see cref="FakeBrain"/>; by fault spec in the <c>x-fake-fault</c> header or a <c>fault:</c> model, see
/// <see cref="FakeFault"/>; or for everything with <see cref="ForcedStatus"/>).
/// </summary>
public sealed class FakeProviderServer : IAsyncDisposable
{
    private static readonly IFakeProviderFormat[] Formats = typeof(FakeProviderServer).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true } && typeof(IFakeProviderFormat).IsAssignableFrom(t))
        .Select(t => (IFakeProviderFormat)Activator.CreateInstance(t)!)
        .OrderBy(f => f.Name == "openai" ? 0 : 1)
        .ToArray();

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<FakeConversation> _conversations = new();
    private readonly ConcurrentQueue<(string Format, string Model, IReadOnlyList<string> Inputs)> _embeddings = new();
    private readonly Random _random;
    private int _sequence;

    private FakeProviderServer(WebApplication app, FakeProviderOptions options)
    {
        _app = app;
        Options = options;
        Faults = new FakeFaultSchedule(options.Time);
        _random = new Random(options.Seed);
    }

    /// <summary>Gets the server's base URL, for example <c>http://127.0.0.1:43117</c> (no trailing slash, no path).</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>Gets the behaviour settings; changes apply to the next request.</summary>
    public FakeProviderOptions Options { get; }

    /// <summary>Gets or sets a status every request answers with (an outage) until set back to <see langword="null"/>.</summary>
    public int? ForcedStatus { get; set; }

    /// <summary>Gets the raw requests received so far, oldest first.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>Gets the raw OpenAI-format chat completion requests received so far.</summary>
    public IReadOnlyList<RecordedRequest> ChatRequests => _requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ToArray();

    /// <summary>Gets every chat request received, normalized, in any format.</summary>
    public IReadOnlyList<FakeConversation> Conversations => _conversations.ToArray();

    /// <summary>Gets every embedding request received: format, model, inputs.</summary>
    public IReadOnlyList<(string Format, string Model, IReadOnlyList<string> Inputs)> Embeddings => _embeddings.ToArray();

    /// <summary>Starts a server.</summary>
    /// <param name="options">Its behaviour; defaults when <see langword="null"/>.</param>
    /// <returns>The running server.</returns>
    public static async Task<FakeProviderServer> StartAsync(FakeProviderOptions? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeProviderServer(app, options ?? new FakeProviderOptions());
        server.Configure();
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address.TrimEnd('/');
        return server;
    }

    /// <summary>Forgets everything recorded.</summary>
    public void ClearRequests()
    {
        _requests.Clear();
        _conversations.Clear();
        _embeddings.Clear();
    }

    /// <summary>Gets which requests the <see cref="FakeFault"/> specs have hit; reset it to start the specs over.</summary>
    public FakeFaultSchedule Faults { get; }

    /// <summary>
    /// Records a normalized chat request, applies its <see cref="FakeFault"/> (from the <c>x-fake-fault</c> header or a
    /// <c>fault:</c> model) and decides its answer (called by the formats).
    /// </summary>
    /// <returns>The answer or the failure to write; a reset or silent fault never returns (the handler ends cancelled).</returns>
    public async Task<(FakeAnswer? Answer, FakeFailure? Failure)> AnswerAsync(HttpContext context, FakeConversation conversation)
    {
        _conversations.Enqueue(conversation);
        if (FaultOf(context, conversation.Model) is { } spec)
        {
            FakeFault fault;
            try
            {
                fault = FakeFault.Parse(spec);
            }
            catch (FormatException ex)
            {
                return (null, new FakeFailure(FakeFailureKind.BadRequest, 400, ex.Message));
            }

            if (fault.Flap is { } probability)
            {
                lock (_random)
                {
                    fault = _random.NextDouble() < probability ? FakeFault.FlapFaults(_random) : new FakeFault { Spec = spec };
                }
            }

            if (Faults.Applies(fault) && await InjectAsync(context, fault, conversation).ConfigureAwait(false) is { } failure)
            {
                return (null, failure);
            }
        }

        return FakeBrain.Decide(conversation, Options, Interlocked.Increment(ref _sequence));
    }

    /// <summary>Records an embedding request (called by the formats).</summary>
    public void RecordEmbedding(string format, string model, IReadOnlyList<string> inputs) => _embeddings.Enqueue((format, model, inputs));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private void Configure()
    {
        _app.Run(async context =>
        {
            context.Request.EnableBuffering();
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8, leaveOpen: true);
            var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
            context.Request.Body.Position = 0;
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            _requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body));

            var format = Formats.FirstOrDefault(f => (Options.Format is null || string.Equals(f.Name, Options.Format, StringComparison.OrdinalIgnoreCase)) && f.Handles(context.Request));
            if (format is null)
            {
                await NotFoundAsync(context).ConfigureAwait(false);
                return;
            }

            if (ForcedStatus is { } forced)
            {
                var kind = forced switch { 401 => FakeFailureKind.Unauthorized, 429 => FakeFailureKind.RateLimited, >= 500 => FakeFailureKind.ServerError, _ => FakeFailureKind.BadRequest };
                await format.WriteFailureAsync(context, new FakeFailure(kind, forced, "The fake provider is in a forced outage.")).ConfigureAwait(false);
                return;
            }

            if (Options.RequiredApiKey is { } key && format.ApiKeyOf(context.Request) != key)
            {
                await format.WriteFailureAsync(context, new FakeFailure(FakeFailureKind.Unauthorized, 401, "Incorrect API key provided.")).ConfigureAwait(false);
                return;
            }

            if (!await format.HandleAsync(context, this).ConfigureAwait(false))
            {
                await NotFoundAsync(context).ConfigureAwait(false);
            }
        });
    }

    private static string? FaultOf(HttpContext context, string model) =>
        context.Request.Headers.TryGetValue(FakeFault.Header, out var header) && header.ToString().Length > 0
            ? header.ToString()
            : model.StartsWith(FakeFault.ModelPrefix, StringComparison.Ordinal) ? model[FakeFault.ModelPrefix.Length..] : null;

    private static async Task<FakeFailure?> InjectAsync(HttpContext context, FakeFault fault, FakeConversation conversation)
    {
        if (fault.Reset)
        {
            FakeFaultWriter.DropConnection(context);
        }

        if (fault.Silent)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(false);
        }

        if (fault.RejectPrefill && conversation.Messages.LastOrDefault()?.Role == "assistant")
        {
            return new FakeFailure(FakeFailureKind.BadRequest, 400, "This model does not support assistant message prefill. The conversation must end with a user message.");
        }

        if (fault.Status is { } status)
        {
            var kind = status switch
            {
                401 => FakeFailureKind.Unauthorized,
                404 => FakeFailureKind.ModelNotFound,
                429 => FakeFailureKind.RateLimited,
                >= 500 => FakeFailureKind.ServerError,
                _ => FakeFailureKind.BadRequest,
            };
            return new FakeFailure(kind, status, $"Injected fault {status} ({fault.Spec}).", fault.RetryAfterSeconds);
        }

        if (fault.ShapesTheBody)
        {
            FakeFaultWriter.Attach(context, fault);
        }

        return null;
    }

    private static async Task NotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = 404;
        await context.Response.WriteAsync($"The fake provider has no endpoint {context.Request.Method} {context.Request.Path}.", context.RequestAborted).ConfigureAwait(false);
    }
}
