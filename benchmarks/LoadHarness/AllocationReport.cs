using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>
/// Where a gateway's allocations come from, read from a <c>dotnet-trace --profile gc-verbose</c> file: the runtime samples
/// an allocation about every 100 KB (an <c>AllocationTick</c> event, with the type and the stack), so summing the samples
/// by type, and by the nearest frame of the library or the gateway, gives each one's share of what was allocated. Divided
/// by the requests served while tracing, that is bytes a request (benchmarks/run-allocations.sh).
/// </summary>
internal static class AllocationReport
{
    private const string OurNamespace = "Mostlyucid.";

    public static int Run(string[] args)
    {
        string? trace = null;
        long requests = 0;
        var top = 30;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--trace": trace = Value(); break;
                case "--requests": requests = long.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--top": top = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option '{args[i]}': use --trace FILE [--requests N] [--top N].");
            }
        }

        if (trace is null || !File.Exists(trace))
        {
            throw new ArgumentException($"--trace must name a dotnet-trace file (found '{trace}').");
        }

        var (total, byType, bySite) = Read(trace);
        if (total == 0)
        {
            Console.Error.WriteLine($"{trace} holds no allocation samples: collect it with --profile gc-verbose.");
            return 1;
        }

        Console.WriteLine(requests > 0
            ? $"Allocated: {Kb(total)} KB sampled over {requests:N0} requests, about {total / (double)requests / 1024:F1} KB a request"
            : $"Allocated: {Kb(total)} KB sampled (pass --requests N for bytes a request)");
        Print("By type", byType, total, requests, top);
        Print("By the nearest frame of the library or the gateway (type <= frame; '(framework)' when none is on the stack)", bySite, total, requests, top);
        return 0;
    }

    private static (long Total, Dictionary<string, long> ByType, Dictionary<string, long> BySite) Read(string trace)
    {
        var byType = new Dictionary<string, long>(StringComparer.Ordinal);
        var bySite = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        var etlx = TraceLog.CreateFromEventPipeDataFile(trace);
        try
        {
            using var log = new TraceLog(etlx);
            foreach (var data in log.Events)
            {
                if (data is not GCAllocationTickTraceData sample)
                {
                    continue;
                }

                var type = Shorten(sample.TypeName ?? "?");
                var bytes = sample.AllocationAmount64;
                total += bytes;
                byType[type] = byType.GetValueOrDefault(type) + bytes;
                var site = type + " <= " + NearestOwnFrame(sample.CallStack());
                bySite[site] = bySite.GetValueOrDefault(site) + bytes;
            }
        }
        finally
        {
            File.Delete(etlx);
        }

        return (total, byType, bySite);
    }

    private static string NearestOwnFrame(TraceCallStack? stack)
    {
        for (; stack is not null; stack = stack.Caller)
        {
            var method = stack.CodeAddress.FullMethodName;
            if (method.StartsWith(OurNamespace, StringComparison.Ordinal))
            {
                var arguments = method.IndexOf('(', StringComparison.Ordinal);
                return Shorten(arguments > 0 ? method[..arguments] : method);
            }
        }

        return "(framework)";
    }

    /// <summary>Async state machine boxes carry every generic argument in their names; the state machine (the box's last argument) is what tells them apart.</summary>
    private static string Shorten(string name)
    {
        const string Box = "AsyncStateMachineBox`1[";
        var at = name.IndexOf(Box, StringComparison.Ordinal);
        if (at >= 0)
        {
            var depth = 0;
            var lastArgument = at + Box.Length;
            for (var i = lastArgument; i < name.Length; i++)
            {
                switch (name[i])
                {
                    case '[': depth++; break;
                    case ']': depth--; break;
                    case ',' when depth == 0: lastArgument = i + 1; break;
                }
            }

            var machine = name[lastArgument..];
            var generic = machine.IndexOf('[', StringComparison.Ordinal);
            return "async box: " + (generic > 0 ? machine[..generic] : machine.TrimEnd(']'));
        }

        return name.Length > 160 ? name[..160] + "…" : name;
    }

    private static void Print(string title, Dictionary<string, long> rows, long total, long requests, int top)
    {
        Console.WriteLine();
        Console.WriteLine(title);
        foreach (var (name, bytes) in rows.OrderByDescending(r => r.Value).Take(top))
        {
            var perRequest = requests > 0 ? $"{bytes / (double)requests,7:F0} B/req" : string.Empty;
            Console.WriteLine($"  {100.0 * bytes / total,5:F1}% {perRequest}  {name}");
        }
    }

    private static string Kb(long bytes) => (bytes / 1024).ToString("N0", CultureInfo.InvariantCulture);
}
