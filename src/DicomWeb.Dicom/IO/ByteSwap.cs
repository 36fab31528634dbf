using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace DicomWeb.Dicom;

/// <summary>Converts big-endian values to little endian in place.</summary>
internal static class ByteSwap
{
    public static void InPlace(Span<byte> data, int unit)
    {
        switch (unit)
        {
            case 2:
                var shorts = MemoryMarshal.Cast<byte, ushort>(data[..(data.Length & ~1)]);
                BinaryPrimitives.ReverseEndianness(shorts, shorts);
                break;
            case 4:
                var ints = MemoryMarshal.Cast<byte, uint>(data[..(data.Length & ~3)]);
                BinaryPrimitives.ReverseEndianness(ints, ints);
                break;
            case 8:
                var longs = MemoryMarshal.Cast<byte, ulong>(data[..(data.Length & ~7)]);
                BinaryPrimitives.ReverseEndianness(longs, longs);
                break;
        }
    }
}
