using DicomWeb.Dicom;
using DicomWeb.Storage.Index;
using DicomWeb.Storage.Retrieval;

namespace DicomWeb.Server.Wado;

/// <summary>
/// Reads frames of one instance at the byte ranges recorded at ingest, never parsing the file. Native frames come out
/// little endian (big endian files are swapped by sample size, as pixel values are read) and, for 1-bit data whose frames
/// do not start on a byte, shifted to start on one with the bits past the frame cleared. Compressed frames are their
/// fragments concatenated. Deflated files have no byte ranges in the stored file: their data set is inflated instead.
/// </summary>
internal sealed class FrameReader : IAsyncDisposable
{
    private readonly Stream _source;
    private readonly int _swapUnit;
    private readonly long _frameBits;
    private readonly bool _bitPacked;

    private FrameReader(Stream source, IReadOnlyList<DicomFrameLocation> frames, int swapUnit, long frameBits, bool bitPacked)
    {
        _source = source;
        Frames = frames;
        _swapUnit = swapUnit;
        _frameBits = frameBits;
        _bitPacked = bitPacked;
    }

    /// <summary>Where each frame lies.</summary>
    public IReadOnlyList<DicomFrameLocation> Frames { get; }

    /// <summary>Opens the frames of <paramref name="instance"/>; null when it has none.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="content">Where its blob is opened when <paramref name="opened"/> is null.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <param name="opened">The instance's blob when the caller has it open already (the reader then takes it over).</param>
    public static async Task<FrameReader?> OpenAsync(StoredInstance instance, InstanceContent content, CancellationToken cancellationToken, Stream? opened = null)
    {
        var syntax = DicomTransferSyntax.Lookup(instance.TransferSyntaxUid);
        var native = !syntax.IsEncapsulated;
        var bits = instance.BitsAllocated ?? 0;
        var swap = native && syntax.IsBigEndian && bits >= 16 ? bits / 8 : 0;
        var bitPacked = native && bits == 1;
        long frameBits = (long)(instance.Rows ?? 0) * (instance.Columns ?? 0);
        if (instance.Frames is { Length: > 0 } table)
        {
            var blob = opened ?? await content.OpenBlobAsync(instance, cancellationToken);
            return new FrameReader(blob, FrameTable.Decode(table), swap, frameBits, bitPacked);
        }
        if (!syntax.IsDeflated) return null;

        await using var deflated = opened ?? await content.OpenBlobAsync(instance, cancellationToken);
        var file = DicomFile.Read(deflated);
        var locations = DicomFrameIndex.Compute(file.Dataset);
        var pixels = file.Dataset.Get(DicomTags.PixelData) ?? file.Dataset.Get(DicomTags.FloatPixelData) ?? file.Dataset.Get(DicomTags.DoubleFloatPixelData);
        if (locations.Count == 0 || pixels is not DicomDataElement { Text: null } element) return null;
        // Offsets are positions in the inflated data set; the pixel value held in memory starts at its ValueOffset.
        var origin = element.ValueOffset;
        var shifted = locations.Select(f => f with { Ranges = f.Ranges.Select(r => r with { Offset = r.Offset - origin }).ToList() }).ToList();
        return new FrameReader(new MemoryStream(element.Bytes.ToArray(), writable: false), shifted, 0, frameBits, bitPacked);
    }

    /// <summary>The number of bytes frame <paramref name="index"/> (zero-based) goes out with.</summary>
    public long OutputLength(int index) => _bitPacked ? (_frameBits + 7) / 8 : Frames[index].Length;

    /// <summary>Hands frame <paramref name="index"/> (zero-based) to <paramref name="consume"/> as a stream.</summary>
    public async Task ReadAsync(int index, Func<Stream, Task> consume, CancellationToken cancellationToken)
    {
        var frame = Frames[index];
        if (!_bitPacked)
        {
            await consume(new BlobRangeStream(_source, frame.Ranges, _swapUnit));
            return;
        }
        // 1-bit frames are small (a bit per pixel): realign in memory.
        var packed = new byte[frame.Length];
        await new BlobRangeStream(_source, frame.Ranges).ReadExactlyAsync(packed, cancellationToken);
        await consume(new MemoryStream(Realign(packed, frame.BitOffset, _frameBits), writable: false));
    }

    /// <summary>Shifts a frame starting <paramref name="bitOffset"/> bits into its first byte (LSB first) to start at bit 0; clears the bits past its end.</summary>
    internal static byte[] Realign(ReadOnlySpan<byte> packed, int bitOffset, long frameBits)
    {
        var length = (int)((frameBits + 7) / 8);
        var result = new byte[length];
        for (var i = 0; i < length && i < packed.Length; i++)
        {
            var low = packed[i] >> bitOffset;
            var high = bitOffset > 0 && i + 1 < packed.Length ? packed[i + 1] << (8 - bitOffset) : 0;
            result[i] = (byte)(low | high);
        }
        var tail = (int)(frameBits % 8);
        if (tail != 0 && length > 0) result[^1] &= (byte)((1 << tail) - 1);
        return result;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
