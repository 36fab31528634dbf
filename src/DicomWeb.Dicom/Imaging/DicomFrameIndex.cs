namespace DicomWeb.Dicom;

/// <summary>A run of bytes in the source a data set was read from.</summary>
/// <param name="Offset">Offset of the first byte.</param>
/// <param name="Length">Number of bytes.</param>
public readonly record struct DicomByteRange(long Offset, long Length);

/// <summary>Where one frame lies in the source: one range for native data, one per fragment for encapsulated data.</summary>
/// <param name="Ranges">The byte ranges, in order, whose concatenation is the frame.</param>
/// <param name="BitOffset">For native 1-bit data whose frames are not byte aligned: the frame's first bit within the first byte (LSB first).</param>
public sealed record DicomFrameLocation(IReadOnlyList<DicomByteRange> Ranges, int BitOffset = 0)
{
    /// <summary>Total bytes over all ranges.</summary>
    public long Length
    {
        get
        {
            long total = 0;
            foreach (var range in Ranges) total += range.Length;
            return total;
        }
    }
}

/// <summary>
/// Computes where each frame of the top-level pixel data lies in the source, from the image attributes,
/// the offset tables and the fragment positions recorded while parsing: pixel bytes are never read
/// (only the first bytes of fragments, when neither offset table says where frames start).
/// </summary>
public static class DicomFrameIndex
{
    private static readonly DicomTag PixelData = new(0x7FE0, 0x0010);
    private static readonly DicomTag FloatPixelData = new(0x7FE0, 0x0008);
    private static readonly DicomTag DoubleFloatPixelData = new(0x7FE0, 0x0009);
    private static readonly DicomTag ExtendedOffsetTable = new(0x7FE0, 0x0001);
    private static readonly DicomTag ExtendedOffsetTableLengths = new(0x7FE0, 0x0002);

    /// <summary>
    /// Frame locations of <paramref name="dataset"/>'s pixel data, or an empty list when it has none or it is empty.
    /// For a deflated transfer syntax the offsets are positions in the inflated data set.
    /// </summary>
    /// <exception cref="DicomParseException">The attributes contradict the pixel data (too short, overflowing sizes, unfindable frame starts).</exception>
    public static IReadOnlyList<DicomFrameLocation> Compute(DicomDataset dataset)
    {
        var element = dataset.Get(PixelData) ?? dataset.Get(FloatPixelData) ?? dataset.Get(DoubleFloatPixelData);
        var frames = Math.Max(1, dataset.GetInt32(DicomTags.NumberOfFrames) ?? 1);
        return element switch
        {
            DicomFragmentSequence encapsulated => ComputeEncapsulated(dataset, encapsulated, frames),
            DicomDataElement native when native.ValueOffset >= 0 => ComputeNative(dataset, native, frames),
            _ => [],
        };
    }

    private static IReadOnlyList<DicomFrameLocation> ComputeNative(DicomDataset dataset, DicomDataElement pixels, int frames)
    {
        long rows = dataset.GetInt32(DicomTags.Rows) ?? 0;
        long columns = dataset.GetInt32(DicomTags.Columns) ?? 0;
        long samples = dataset.GetInt32(DicomTags.SamplesPerPixel) ?? 1;
        long bitsAllocated = pixels.Tag == FloatPixelData ? 32 : pixels.Tag == DoubleFloatPixelData ? 64 : dataset.GetInt32(DicomTags.BitsAllocated) ?? 0;
        if (rows <= 0 || columns <= 0 || samples <= 0 || bitsAllocated <= 0)
            throw new DicomParseException("pixel data without usable Rows, Columns, Samples per Pixel and Bits Allocated", pixels.StreamOffset, pixels.Tag);
        // YBR_FULL_422 native data stores two luminance samples per chroma pair: 2 samples per pixel on average.
        if (samples == 3 && dataset.GetString(DicomTags.PhotometricInterpretation) is "YBR_FULL_422" or "YBR_PARTIAL_422") samples = 2;
        long frameBits;
        try
        {
            frameBits = checked(rows * columns * samples * bitsAllocated);
            _ = checked(frameBits * frames);
        }
        catch (OverflowException)
        {
            throw new DicomParseException("Rows × Columns × Samples × Bits overflow", pixels.StreamOffset, pixels.Tag);
        }
        var length = pixels.SourceLength >= 0 ? pixels.SourceLength : pixels.ByteLength;
        if (length == 0) return [];
        if ((frameBits * frames + 7) / 8 > length)
            throw new DicomParseException($"pixel data holds {length} bytes, fewer than {frames} frame(s) of {rows}×{columns} need", pixels.StreamOffset, pixels.Tag);
        var result = new DicomFrameLocation[frames];
        for (var i = 0; i < frames; i++)
        {
            var startBit = i * frameBits;
            var bitOffset = (int)(startBit % 8);
            var byteLength = (bitOffset + frameBits + 7) / 8;
            result[i] = new DicomFrameLocation([new DicomByteRange(pixels.ValueOffset + startBit / 8, byteLength)], bitOffset);
        }
        return result;
    }

    private static IReadOnlyList<DicomFrameLocation> ComputeEncapsulated(DicomDataset dataset, DicomFragmentSequence pixels, int frames)
    {
        var fragments = pixels.Fragments;
        if (fragments.Count == 0) return [];
        // Offsets in both tables count from the first fragment's item tag, 8 bytes before its value.
        var starts = new long[fragments.Count];
        long position = 0;
        for (var i = 0; i < fragments.Count; i++)
        {
            starts[i] = position;
            position += 8 + fragments[i].Length;
        }

        long[] frameStarts;
        if (dataset.TryGet<DicomDataElement>(ExtendedOffsetTable, out var eot) && !eot.IsEmpty)
        {
            var offsets = eot.GetValues<ulong>();
            if (offsets.Length != frames)
                throw new DicomParseException($"extended offset table has {offsets.Length} entries for {frames} frames", pixels.StreamOffset, pixels.Tag);
            frameStarts = new long[frames];
            for (var i = 0; i < frames; i++) frameStarts[i] = (long)offsets[i];
        }
        else if (pixels.BasicOffsetTable.Length == frames)
        {
            frameStarts = new long[frames];
            for (var i = 0; i < frames; i++) frameStarts[i] = pixels.BasicOffsetTable[i];
        }
        else if (frames == 1) frameStarts = [0];
        else if (fragments.Count == frames)
        {
            frameStarts = new long[frames];
            for (var i = 0; i < frames; i++) frameStarts[i] = starts[i];
        }
        else frameStarts = FindFrameStarts(pixels, starts, frames);

        var result = new DicomFrameLocation[frames];
        var fragment = 0;
        for (var f = 0; f < frames; f++)
        {
            var begin = frameStarts[f];
            var end = f + 1 < frames ? frameStarts[f + 1] : long.MaxValue;
            if (end < begin) throw new DicomParseException($"offset table entries for frames {f + 1} and {f + 2} decrease", pixels.StreamOffset, pixels.Tag);
            while (fragment < fragments.Count && starts[fragment] < begin) fragment++;
            if (fragment >= fragments.Count || starts[fragment] != begin)
                throw new DicomParseException($"offset table entry {begin} for frame {f + 1} is not the start of a fragment", pixels.StreamOffset, pixels.Tag);
            var ranges = new List<DicomByteRange>(1);
            while (fragment < fragments.Count && starts[fragment] < end)
            {
                var item = fragments[fragment];
                ranges.Add(new DicomByteRange(item.StreamOffset, item.Length));
                fragment++;
            }
            result[f] = new DicomFrameLocation(ranges);
        }
        return result;
    }

    /// <summary>
    /// With no usable offset table and more fragments than frames, a frame starts at each fragment
    /// that opens with a codestream start marker (JPEG SOI, JPEG 2000 SOC or a JP2 signature box).
    /// </summary>
    private static long[] FindFrameStarts(DicomFragmentSequence pixels, long[] starts, int frames)
    {
        var found = new List<long>(frames);
        Span<byte> head = stackalloc byte[4];
        using var heads = new FragmentHeads();
        for (var i = 0; i < pixels.Fragments.Count; i++)
        {
            if (!heads.TryRead(pixels.Fragments[i], head)) continue;
            var isStart = (head[0] == 0xFF && head[1] == 0xD8) || (head[0] == 0xFF && head[1] == 0x4F && head[2] == 0xFF && head[3] == 0x51) ||
                          (head[0] == 0 && head[1] == 0 && head[2] == 0 && head[3] == 0x0C);
            if (isStart) found.Add(starts[i]);
        }
        if (found.Count != frames || found[0] != 0)
            throw new DicomParseException($"cannot tell where {frames} frames start among {pixels.Fragments.Count} fragments without an offset table", pixels.StreamOffset, pixels.Tag);
        return [.. found];
    }

    /// <summary>Reads the first bytes of fragments, keeping one file handle open across fragments of the same file.</summary>
    private sealed class FragmentHeads : IDisposable
    {
        private string? _path;
        private Microsoft.Win32.SafeHandles.SafeFileHandle? _handle;

        public bool TryRead(DicomFragment fragment, Span<byte> head)
        {
            if (fragment.Length < head.Length) return false;
            if (fragment.Data is { } data)
            {
                data.Span[..head.Length].CopyTo(head);
                return true;
            }
            var reference = fragment.Reference!;
            if (reference.Source is DicomFileBulkDataSource file)
            {
                if (_path != file.Path)
                {
                    _handle?.Dispose();
                    _handle = File.OpenHandle(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
                    _path = file.Path;
                }
                return RandomAccess.Read(_handle!, head, reference.Offset) == head.Length;
            }
            if (reference.Source is null) return false;
            using var stream = reference.Source.OpenRange(reference.Offset, head.Length);
            stream.ReadExactly(head);
            return true;
        }

        public void Dispose() => _handle?.Dispose();
    }
}
