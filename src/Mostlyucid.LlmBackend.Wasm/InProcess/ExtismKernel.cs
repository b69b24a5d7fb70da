using System.Text;
using Wasmtime;

namespace Mostlyucid.LlmBackend.Wasm.InProcess;

/// <summary>
/// One instance of the Extism kernel (<c>extism-kernel.wat</c>) in a plugin's store: the .NET side of the memory a
/// plugin's input, output, errors and host-function values travel through.
/// </summary>
internal sealed class ExtismKernel
{
    private readonly Memory _memory;
    private readonly Func<long, long> _alloc;
    private readonly Action _reset;
    private readonly Action<long, long> _inputSet;
    private readonly Func<long> _outputOffset;
    private readonly Func<long> _outputLength;
    private readonly Func<long> _errorGet;
    private readonly Func<long, long> _length;

    public ExtismKernel(Instance kernel)
    {
        _memory = kernel.GetMemory("memory") ?? throw Missing("memory");
        _alloc = kernel.GetFunction<long, long>("alloc") ?? throw Missing("alloc");
        _reset = kernel.GetAction("reset") ?? throw Missing("reset");
        _inputSet = kernel.GetAction<long, long>("input_set") ?? throw Missing("input_set");
        _outputOffset = kernel.GetFunction<long>("output_offset") ?? throw Missing("output_offset");
        _outputLength = kernel.GetFunction<long>("output_length") ?? throw Missing("output_length");
        _errorGet = kernel.GetFunction<long>("error_get") ?? throw Missing("error_get");
        _length = kernel.GetFunction<long, long>("length") ?? throw Missing("length");
    }

    /// <summary>Forgets every block, before a call.</summary>
    public void Reset() => _reset();

    /// <summary>Makes <paramref name="input"/> the input of the next call.</summary>
    public void SetInput(ReadOnlySpan<byte> input)
    {
        var offset = Store(input);
        _inputSet(offset, input.Length);
    }

    /// <summary>Copies bytes into a new block and returns its offset (0 for no bytes).</summary>
    public long Store(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return 0;
        }

        var offset = _alloc(bytes.Length);
        bytes.CopyTo(_memory.GetSpan(offset, bytes.Length));
        return offset;
    }

    /// <summary>Gets the bytes of the block at <paramref name="offset"/> (empty for 0 or for anything that is not a block).</summary>
    public ReadOnlySpan<byte> Read(long offset)
    {
        var length = LengthOf(offset);
        return length == 0 ? ReadOnlySpan<byte>.Empty : _memory.GetSpan(offset, length);
    }

    /// <summary>Reads the block at <paramref name="offset"/> as UTF-8 text.</summary>
    public string ReadString(long offset) => Encoding.UTF8.GetString(Read(offset));

    /// <summary>Gets a copy of what the call set as its output.</summary>
    public byte[] Output()
    {
        var offset = _outputOffset();
        var length = _outputLength();
        if (offset == 0 || length <= 0)
        {
            return Array.Empty<byte>();
        }

        return Span(offset, length).ToArray();
    }

    /// <summary>Gets the error the call set, or <see langword="null"/>.</summary>
    public string? Error()
    {
        var offset = _errorGet();
        return offset == 0 ? null : ReadString(offset);
    }

    private static InvalidOperationException Missing(string export) =>
        new($"The Extism kernel module lacks its '{export}' export; the package is damaged.");

    private int LengthOf(long offset)
    {
        if (offset == 0)
        {
            return 0;
        }

        // The kernel knows its live blocks; anything else (a stale or made-up offset) has no length.
        var length = _length(offset);
        return length <= 0 || offset + length > _memory.GetLength() ? 0 : (int)length;
    }

    private ReadOnlySpan<byte> Span(long offset, long length)
    {
        if (offset < 0 || length > int.MaxValue || offset + length > _memory.GetLength())
        {
            throw new InvalidOperationException($"The plugin set an output of {length} bytes at {offset}, outside its memory.");
        }

        return _memory.GetSpan(offset, (int)length);
    }
}
