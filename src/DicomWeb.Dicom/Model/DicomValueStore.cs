using System.Buffers.Binary;
using System.Numerics;

namespace DicomWeb.Dicom;

/// <summary>
/// The bytes of one parse, shared by all its data sets: one record per plain element. A parsed data set is a table
/// of record references (4 bytes each, no object per element) and makes an element only when it is asked for.
/// </summary>
/// <remarks>
/// <para>
/// A record reference is the record's offset in the store with two flags on top; a negative reference stands for an
/// element the parser made itself (sequences, fragments, bulk data references, large values). Record forms:
/// </para>
/// <list type="bullet">
/// <item>explicit VR little endian, as in the source: tag, VR, 16- or 32-bit length (by VR), value;</item>
/// <item><see cref="ImplicitFlag"/>: implicit VR little endian as in the source, its 32-bit length rewritten as the
/// VR and a 16-bit length (the fast path only takes values of up to 4 KB);</item>
/// <item><see cref="RecordFlag"/>: written by the parser for a value read by other means (big endian, long, cut
/// short): tag, VR, source header length (1 byte), 1 spare byte, 32-bit length, value.</item>
/// </list>
/// <para>
/// Most records are copied straight from the read buffer, a run of elements at a time; a small map from store
/// offsets to source offsets gives back each element's position in the source. Data sets keep a reference to the
/// store, not to the array, because the array is replaced while it grows. Values are not aligned; numbers are
/// reinterpreted with unaligned reads, which every supported platform allows.
/// </para>
/// </remarks>
internal sealed class DicomValueStore
{
    /// <summary>Flag of a reference to a rewritten implicit VR record.</summary>
    public const int ImplicitFlag = 1 << 30;

    /// <summary>Flag of a reference to a record the parser wrote.</summary>
    public const int RecordFlag = 1 << 29;

    /// <summary>The bits of a reference that are the offset; the store never grows past them.</summary>
    public const int OffsetMask = RecordFlag - 1;

    private const int InitialSize = 256;
    private byte[] _data = [];
    // Source offsets of the runs: the first run in fields (a header is usually one run), later ones in arrays.
    private int _firstRunStore = -1;
    private long _firstRunSource;
    private int[]? _runStores;
    private long[]? _runSources;
    private int _runCount;
    private int _lastRunEnd = -1;
    private long _lastRunSourceEnd = -1;

    /// <summary>The bytes; values are slices of it.</summary>
    public byte[] Data => _data;

    /// <summary>Bytes used so far.</summary>
    public int Used { get; private set; }

    /// <summary>True while <paramref name="length"/> more bytes keep every offset within <see cref="OffsetMask"/>.</summary>
    public bool HasRoomFor(long length) => Used + length < OffsetMask;

    /// <summary>Copies a run of records that lay contiguous in the source from <paramref name="sourceOffset"/>; returns where it starts.</summary>
    public int AppendRun(ReadOnlySpan<byte> records, long sourceOffset)
    {
        var at = Reserve(records.Length);
        records.CopyTo(_data.AsSpan(at));
        NoteRun(at, sourceOffset, records.Length);
        return at;
    }

    /// <summary>
    /// Writes a record for a value read by other means and returns its reference; the caller puts the
    /// <paramref name="length"/> value bytes at <see cref="ValueStart"/>.
    /// </summary>
    public int AddRecord(uint tag, DicomVR vr, int headerLength, uint length, long valueSourceOffset)
    {
        var record = Reserve(12 + (int)length);
        var header = _data.AsSpan(record, 12);
        BinaryPrimitives.WriteUInt32LittleEndian(header, BitOperations.RotateLeft(tag, 16));
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], (ushort)vr);
        header[6] = (byte)headerLength;
        header[7] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], length);
        // As if the record's 12 header bytes lay in the source right before the value.
        NoteRun(record, valueSourceOffset - 12, 12 + (int)length);
        return record | RecordFlag;
    }

    /// <summary>Where the value of a record written by <see cref="AddRecord"/> goes.</summary>
    public static int ValueStart(int reference) => (reference & OffsetMask) + 12;

    /// <summary>The tag of a record.</summary>
    public uint TagAt(int reference) =>
        BitOperations.RotateLeft(BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan(reference & OffsetMask)), 16);

    /// <summary>The element a record describes.</summary>
    public DicomDataElement Make(int reference)
    {
        var record = reference & OffsetMask;
        var vr = Describe(reference, out var headerLength, out var valueAt, out var length);
        // The record start always lies inside its own run (a value's end may be where the next run starts).
        var valueOffset = SourceOffsetOf(record) + (valueAt - record);
        return new DicomDataElement(new DicomTag(TagAt(record)), vr, _data.AsMemory(valueAt, length))
        {
            StreamOffset = valueOffset - headerLength,
            ValueOffset = valueOffset,
            SourceLength = length,
        };
    }

    /// <summary>The value bytes of a record, without making an element.</summary>
    public ReadOnlySpan<byte> ValueOf(int reference)
    {
        Describe(reference, out _, out var valueAt, out var length);
        return _data.AsSpan(valueAt, length);
    }

    private DicomVR Describe(int reference, out int headerLength, out int valueAt, out int length)
    {
        var record = reference & OffsetMask;
        var header = _data.AsSpan(record, 12 <= _data.Length - record ? 12 : 8);
        var vr = (DicomVR)BinaryPrimitives.ReadUInt16BigEndian(header[4..]);
        if ((reference & RecordFlag) != 0)
        {
            headerLength = header[6];
            length = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            valueAt = record + 12;
        }
        else if ((reference & ImplicitFlag) == 0 && DicomVRInfo.HasLongLength(vr))
        {
            headerLength = 12;
            length = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            valueAt = record + 12;
        }
        else
        {
            headerLength = 8;
            length = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
            valueAt = record + 8;
        }
        return vr;
    }

    private int Reserve(int length)
    {
        var at = Used;
        var end = at + length;
        if (end > _data.Length) Grow(end);
        Used = end;
        return at;
    }

    private void NoteRun(int storeOffset, long sourceOffset, int length)
    {
        // A run that carries on where the last one ended, in the store and in the source, needs no entry of its own.
        if (storeOffset != _lastRunEnd || sourceOffset != _lastRunSourceEnd)
        {
            if (_firstRunStore < 0)
            {
                _firstRunStore = storeOffset;
                _firstRunSource = sourceOffset;
            }
            else
            {
                if (_runStores is null || _runCount == _runStores.Length)
                {
                    Array.Resize(ref _runStores, Math.Max(4, _runCount * 2));
                    Array.Resize(ref _runSources, _runStores.Length);
                }
                _runStores[_runCount] = storeOffset;
                _runSources![_runCount] = sourceOffset;
                _runCount++;
            }
        }
        _lastRunEnd = storeOffset + length;
        _lastRunSourceEnd = sourceOffset + length;
    }

    private long SourceOffsetOf(int storeOffset)
    {
        // Runs are stored in order: the last run starting at or before the offset holds it.
        int lo = 0, hi = _runCount - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_runStores![mid] <= storeOffset)
            {
                found = mid;
                lo = mid + 1;
            }
            else hi = mid - 1;
        }
        return found >= 0
            ? _runSources![found] + (storeOffset - _runStores![found])
            : _firstRunSource + (storeOffset - _firstRunStore);
    }

    private void Grow(int needed)
    {
        // Sized to need at first: every allocated byte costs, and a header is usually one run.
        var size = Math.Max(Math.Max(InitialSize, needed), (int)Math.Min(OffsetMask, (long)_data.Length * 2));
        // Every byte up to Used is written before it is read: no need to clear the new array.
        var bigger = GC.AllocateUninitializedArray<byte>(size);
        _data.AsSpan(0, Used).CopyTo(bigger);
        _data = bigger;
    }
}
