using System.Globalization;

namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>The harness's command line (see docs/benchmarks.md).</summary>
internal sealed class HarnessOptions
{
    /// <summary>Gets the repository root (the harness finds the built gateway, upstream and Portkey under it).</summary>
    public required string Root { get; init; }

    /// <summary>Gets how long each measurement runs, in seconds. <value>The default value is 6.</value></summary>
    public int DurationSeconds { get; init; } = 6;

    /// <summary>
    /// Gets how many times each scenario is measured on each target; the table shows the medians. The repetitions are
    /// interleaved across the targets (all of them run at once, idle but for the one measured), so every column sees the
    /// machine at the same minutes. <value>The default value is 3.</value>
    /// </summary>
    public int Repeat { get; init; } = 3;

    /// <summary>
    /// Gets how long each freshly started target is loaded (64 connections, 0 ms upstream) before anything is measured,
    /// in seconds, reported in 5-second windows as its warm-up curve. <value>The default value is 30.</value>
    /// </summary>
    public int StartupSeconds { get; init; } = 30;

    /// <summary>Gets the unmeasured run before each measurement, in seconds. <value>The default value is 2.</value></summary>
    public int WarmupSeconds { get; init; } = 2;

    /// <summary>Gets the length of the gateway's sustained-load memory run, in seconds. <value>The default value is 120.</value></summary>
    public int SustainedSeconds { get; init; } = 120;

    /// <summary>Gets whether the peer gateway (Portkey) is measured. <value>The default value is <see langword="true"/>.</value></summary>
    public bool Peer { get; init; } = true;

    /// <summary>
    /// Gets whether our gateway is also measured with a WebAssembly plugin backend (the AssemblyScript sample) in front of
    /// the same upstream. <value>The default value is <see langword="true"/>.</value>
    /// </summary>
    public bool Wasm { get; init; } = true;

    /// <summary>
    /// Gets whether our gateway is also measured with every optional feature off (no key check, no limits, no ledger, no
    /// telemetry, no cache), beside the gateway with all of them on. <value>The default value is <see langword="true"/>.</value>
    /// </summary>
    public bool FeaturesOff { get; init; } = true;

    /// <summary>Gets whether processes are pinned to cores (needs two or more). <value>The default value is <see langword="true"/>.</value></summary>
    public bool Pin { get; init; } = true;

    /// <summary>Gets where the Markdown copy of the results is written.</summary>
    public required string Out { get; init; }

    public static HarnessOptions Parse(string[] args)
    {
        var root = Directory.GetCurrentDirectory();
        int duration = 6, warmup = 2, sustained = 120, repeat = 3, startup = 30;
        bool peer = true, pin = true, wasm = true, featuresOff = true;
        string? output = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--root": root = Path.GetFullPath(Value()); break;
                case "--duration": duration = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--sustained": sustained = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--repeat": repeat = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--startup": startup = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--no-peer": peer = false; break;
                case "--no-wasm": wasm = false; break;
                case "--no-pin": pin = false; break;
                case "--no-features-off": featuresOff = false; break;
                case "--out": output = Value(); break;
                default: throw new ArgumentException($"Unknown option {args[i]} for 'run': --root DIR, --duration S, --warmup S, --repeat N, --startup S, --sustained S, --no-peer, --no-wasm, --no-features-off, --no-pin, --out FILE.");
            }
        }

        return new HarnessOptions
        {
            Root = root,
            DurationSeconds = Math.Max(1, duration),
            WarmupSeconds = Math.Max(0, warmup),
            SustainedSeconds = Math.Max(0, sustained),
            Repeat = Math.Max(1, repeat),
            StartupSeconds = Math.Max(0, startup),
            Peer = peer,
            Wasm = wasm,
            Pin = pin,
            FeaturesOff = featuresOff,
            Out = output ?? Path.Combine(root, "artifacts", "benchmarks", "load-results.md"),
        };
    }
}
