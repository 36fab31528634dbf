using System.Buffers.Binary;
using DicomWeb.Dicom;

namespace DicomWeb.Storage.Index;

/// <summary>
/// Compact binary encoding of frame locations for one index column: per frame a bit offset (1 byte),
/// a range count (4 bytes), then (offset, length) pairs of 8 bytes each, little endian.
/// </summary>
public static class FrameTable
{
    /// <summary>Encodes frame locations.</summary>
    public static byte[] Encode(IReadOnlyList<DicomFrameLocation> frames)
    {
        var size = 0;
        foreach (var frame in frames) size += 5 + 16 * frame.Ranges.Count;
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        foreach (var frame in frames)
        {
            span[0] = (byte)frame.BitOffset;
            BinaryPrimitives.WriteInt32LittleEndian(span[1..], frame.Ranges.Count);
            span = span[5..];
            foreach (var range in frame.Ranges)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span, range.Offset);
                BinaryPrimitives.WriteInt64LittleEndian(span[8..], range.Length);
                span = span[16..];
            }
        }
        return bytes;
    }

    /// <summary>Decodes what <see cref="Encode"/> wrote.</summary>
    public static IReadOnlyList<DicomFrameLocation> Decode(ReadOnlySpan<byte> bytes)
    {
        var frames = new List<DicomFrameLocation>();
        while (bytes.Length >= 5)
        {
            var bitOffset = bytes[0];
            var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[1..]);
            bytes = bytes[5..];
            if (count < 0 || bytes.Length < count * 16L) throw new InvalidDataException("frame table is truncated");
            var ranges = new DicomByteRange[count];
            for (var i = 0; i < count; i++)
            {
                ranges[i] = new DicomByteRange(BinaryPrimitives.ReadInt64LittleEndian(bytes), BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]));
                bytes = bytes[16..];
            }
            frames.Add(new DicomFrameLocation(ranges, bitOffset));
        }
        return frames;
    }
}
