using System.Globalization;

namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>The harness's command line (see docs/benchmarks.md).</summary>
internal sealed class HarnessOptions
{
    /// <summary>Gets the repository root (the harness finds the built gateway, upstream and Portkey under it).</summary>
    public required string Root { get; init; }

    /// <summary>Gets how long each measurement runs, in seconds. <value>The default value is 8.</value></summary>
    public int DurationSeconds { get; init; } = 8;

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
    /// Gets whether our gateway is also measured with its usage ledger off (<c>LlmSettings:Usage:Enabled=false</c>), beside
    /// the default gateway whose ledger writes to SQLite. <value>The default value is <see langword="false"/>.</value>
    /// </summary>
    public bool LedgerOff { get; init; }

    /// <summary>Gets whether processes are pinned to cores (needs two or more). <value>The default value is <see langword="true"/>.</value></summary>
    public bool Pin { get; init; } = true;

    /// <summary>Gets where the Markdown copy of the results is written.</summary>
    public required string Out { get; init; }

    public static HarnessOptions Parse(string[] args)
    {
        var root = Directory.GetCurrentDirectory();
        int duration = 8, warmup = 2, sustained = 120;
        bool peer = true, pin = true, wasm = true, ledgerOff = false;
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
                case "--no-peer": peer = false; break;
                case "--no-wasm": wasm = false; break;
                case "--no-pin": pin = false; break;
                case "--ledger-off": ledgerOff = true; break;
                case "--out": output = Value(); break;
                default: throw new ArgumentException($"Unknown option {args[i]} for 'run': --root DIR, --duration S, --warmup S, --sustained S, --no-peer, --no-wasm, --no-pin, --ledger-off, --out FILE.");
            }
        }

        return new HarnessOptions
        {
            Root = root,
            DurationSeconds = Math.Max(1, duration),
            WarmupSeconds = Math.Max(0, warmup),
            SustainedSeconds = Math.Max(0, sustained),
            Peer = peer,
            Wasm = wasm,
            Pin = pin,
            LedgerOff = ledgerOff,
            Out = output ?? Path.Combine(root, "artifacts", "benchmarks", "load-results.md"),
        };
    }
}
