using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DicomWeb.Dicom.IO;

/// <summary>
/// Reads DICOM data elements from a <see cref="DicomByteReader"/> into data sets.
/// One instance reads one stream; encoding state (explicit VR, endianness) is switched
/// while reading the implicit-VR contents of undefined-length UN elements.
/// </summary>
/// <remarks>
/// Plain values are not made into objects here: each element's header and value are copied, a run of elements at a
/// time, into one <see cref="DicomValueStore"/> shared by every data set of the parse, and the data set keeps a 4-byte
/// reference to the record; it makes the element when it is read. Structure is still checked completely
/// here, so broken input fails in the parse.
/// </remarks>
internal sealed class DicomParser
{
    private static readonly DicomTag PixelDataTag = new(0x7FE0, 0x0010);
    private const uint FirstPixelDataTag = 0x7FE00008;
    private const uint PixelRepresentationTag = 0x00280103;
    // Values up to this size are copied straight out of the read buffer by the fast path.
    private const int PlainValueLimit = 4096;
    // Values up to this size go to the shared store; larger ones get an array of their own, filled as bytes arrive.
    private const int StoreValueLimit = 64 * 1024;
    private const byte ShortLength = 1, LongLength = 2, Sequence = 3;
    private static readonly byte[] VRForms = BuildVRForms();

    // The entry stack of the last parse on this thread, reused: a header's entries are copied out exactly sized.
    [ThreadStatic] private static int[]? t_spareEntries;

    private DicomByteReader _reader;
    private readonly DicomReaderOptions _options;
    private readonly List<DicomReadWarning> _warnings;
    private IDicomBulkDataSource? _source;
    private bool _explicit;
    private bool _bigEndian;
    private bool _inflated;
    // Pixel Representation of the top-level data set so far: implicit VR US/SS elements depend on it.
    private int? _pixelRepresentation;
    private readonly DicomValueStore _store = new();
    // Entries of the data sets being read, innermost last: an item's entries sit above those of the data set holding
    // it until the item ends and they move to a table of its own.
    private int[] _entries;
    private int _top;
    // Elements made during the parse (sequences, fragments, bulk data, large values); their entries index this list.
    private List<DicomElement>? _made;

    public DicomParser(DicomByteReader reader, DicomReaderOptions options, List<DicomReadWarning> warnings, IDicomBulkDataSource? source)
    {
        _reader = reader;
        _options = options;
        _warnings = warnings;
        _source = source;
        _entries = t_spareEntries ?? new int[256];
        t_spareEntries = null;
    }

    /// <summary>Hands the entry stack back for the next parse on this thread.</summary>
    public void Release()
    {
        if (_entries.Length <= 64 * 1024) t_spareEntries = _entries;
        _entries = [];
    }

    public DicomByteReader Reader => _reader;

    /// <summary>Offset of the top-level element before which reading stopped, or -1.</summary>
    public long StoppedAt { get; private set; } = -1;

    /// <summary>True when data ended inside a value, sequence, item or pixel data: the source is cut short.</summary>
    public bool Truncated { get; private set; }

    /// <summary>Reads the File Meta Information: explicit VR little endian elements of group 0002.</summary>
    public DicomDataset ReadFileMetaInformation()
    {
        var start = _top;
        var madeStart = _made?.Count ?? 0;
        uint max = 0;
        var unordered = false;
        _explicit = true;
        _bigEndian = false;
        while (_reader.TryFill(8))
        {
            var head = _reader.Peek(8);
            var group = (ushort)(head[0] | head[1] << 8);
            if (group != 0x0002) break;
            // Some writers put the meta group in implicit VR; tolerate it element by element.
            _explicit = DicomVRInfo.TryParse(head[4], head[5], out _);
            if (!_explicit) Warn(_reader.Position, null, "file meta element without explicit VR");
            if (_explicit)
            {
                var top = _top;
                var needed = ReadPlainElements(start, ref max, 0x00030000, long.MaxValue, topLevel: false);
                if (_top != top || (needed > 0 && _reader.TryFill(needed))) continue;
            }
            if (ReadElement(0, out _)) NoteOrder(start, ref max, ref unordered);
        }
        return Finish(start, madeStart, unordered, undefinedLength: false, streamOffset: -1);
    }

    /// <summary>Switches to the data set's transfer syntax; a deflated one wraps the rest of the stream in an inflater.</summary>
    public void BeginDataset(DicomTransferSyntax syntax)
    {
        _explicit = syntax.IsExplicitVR;
        _bigEndian = syntax.IsBigEndian;
        if (syntax.IsDeflated)
        {
            var inflater = new DeflateStream(_reader.DetachRemainder(), CompressionMode.Decompress);
            _reader = new DicomByteReader(inflater);
            _source = null;
            // Offsets in inflated data point nowhere in the file: values are loaded, never referenced.
            _inflated = true;
        }
    }

    /// <summary>Sets the encoding directly (for streams without file meta information).</summary>
    public void SetEncoding(bool explicitVR, bool bigEndian)
    {
        _explicit = explicitVR;
        _bigEndian = bigEndian;
    }

    /// <summary>Reads the items of a sequence value of <paramref name="length"/> bytes in implicit VR little endian (a UN value that is really a sequence).</summary>
    public DicomSequence ReadImplicitSequenceValue(DicomTag tag, long length)
    {
        _explicit = false;
        _bigEndian = false;
        return ReadSequence(tag, 0, 0, undefinedEnd: false, (uint)length, 0, nestedImplicit: false);
    }

    /// <summary>Reads top-level elements until the end of the stream or the stop tag.</summary>
    public DicomDataset ReadDataset()
    {
        var first = _top;
        var madeStart = _made?.Count ?? 0;
        var stopAt = _options.StopBeforePixelData ? FirstPixelDataTag : uint.MaxValue;
        if (_options.StopAtTag is { } stopTag && stopTag.Value < stopAt) stopAt = stopTag.Value;
        uint previous = 0;
        uint max = 0;
        var unordered = false;
        while (true)
        {
            if (!_bigEndian)
            {
                var top = _top;
                var needed = ReadPlainElements(first, ref max, stopAt, long.MaxValue, topLevel: true);
                if (_top != top) previous = max;
                if (needed > 0 && _reader.TryFill(needed)) continue;
            }
            var start = _reader.Position;
            if (!_reader.TryFill(1)) break;
            if (!_reader.TryFill(8))
            {
                Warn(start, null, $"{_reader.Buffered} trailing bytes ignored");
                _reader.Skip(_reader.Buffered);
                break;
            }
            var tag = PeekTag();
            if (tag.Value >= stopAt && tag.Group != 0xFFFE)
            {
                StoppedAt = start;
                break;
            }
            if (tag.Value == 0 && previous != 0 && IsZeroPadding())
            {
                Warn(start, null, "trailing zero padding ignored");
                break;
            }
            if (tag.Group == 0xFFFE)
            {
                SkipStrayDelimiter(tag, start);
                continue;
            }
            if (tag.Value < previous) Warn(start, tag, "element out of tag order");
            else if (tag.Value == previous) Warn(start, tag, "element repeated; the last one is kept");
            if (ReadElement(0, out _))
            {
                NoteOrder(first, ref max, ref unordered);
                if (tag.Value == PixelRepresentationTag) NotePixelRepresentation();
            }
            previous = tag.Value;
        }
        return Finish(first, madeStart, unordered, undefinedLength: false, streamOffset: -1);
    }

    /// <summary>
    /// The fast path: reads the run of common elements at the current position straight out of the read buffer —
    /// little endian, a known VR, a defined length, a small value, in tag order after <paramref name="max"/>, before
    /// <paramref name="stopAt"/> and ending by <paramref name="end"/> — and copies the run's bytes (headers and values)
    /// into the value store in one go. Stops, having consumed only whole elements, at anything else.
    /// Returns how many bytes must be buffered to go on here (the next element is plain but not all buffered),
    /// or 0 when the next element is for the general path.
    /// </summary>
    private int ReadPlainElements(int first, ref uint max, uint stopAt, long end, bool topLevel)
    {
        var buffered = _reader.WritableBufferedBytes;
        var origin = _reader.Position;
        // Elements must end by the end of their item; one that would not is left for the general path to report.
        var untilEnd = end - origin;
        var limit = untilEnd < buffered.Length ? (int)untilEnd : buffered.Length;
        var bufferLimited = limit == buffered.Length;
        if (!_store.HasRoomFor(buffered.Length)) return 0;
        var storeBase = _store.Used;
        var entries = _entries;
        var top = _top;
        var explicitVR = _explicit;
        var threshold = _options.BulkDataThreshold;
        ref var forms = ref MemoryMarshal.GetArrayDataReference(VRForms);
        ref var data = ref MemoryMarshal.GetReference(buffered);
        // Tags must rise above the data set's last one and stay below both the stop tag and the item tags (FFFE,xxxx).
        var floor = top > first ? max + 1 : 0;
        var ceiling = Math.Min(stopAt, 0xFFFE0000);
        var pos = 0;
        var needed = 0;
        while (true)
        {
            if (limit - pos < 12)
            {
                if (bufferLimited) needed = 12;
                break;
            }
            // From here on the 12 bytes at pos are known to be there.
            ref var head = ref Unsafe.Add(ref data, pos);
            var tag = BitOperations.RotateLeft(Unsafe.ReadUnaligned<uint>(ref head), 16);
            if (tag < floor || tag >= ceiling) break;
            DicomVR vr;
            uint length;
            int headerLength;
            if (explicitVR)
            {
                var code = Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref head, 4));
                var form = Unsafe.Add(ref forms, code);
                if (form == ShortLength)
                {
                    length = Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref head, 6));
                    headerLength = 8;
                }
                else if (form == LongLength)
                {
                    length = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref head, 8));
                    headerLength = 12;
                }
                else break;
                vr = (DicomVR)BinaryPrimitives.ReverseEndianness(code);
            }
            else
            {
                vr = ImplicitVR(new DicomTag(tag));
                if (vr is DicomVR.SQ or DicomVR.None) break;
                length = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref head, 4));
                headerLength = 8;
            }
            if (length > PlainValueLimit || (length > threshold && DicomVRInfo.IsBinary(vr))) break;
            var size = headerLength + (int)length;
            if (size > limit - pos)
            {
                if (bufferLimited) needed = size;
                break;
            }
            if (top == entries.Length)
            {
                Array.Resize(ref _entries, top * 2);
                entries = _entries;
            }
            if (explicitVR) entries[top++] = storeBase + pos;
            else
            {
                // The record keeps no VR: the 32-bit length becomes the VR and a 16-bit length (values here are short).
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref head, 4), BinaryPrimitives.ReverseEndianness((ushort)vr));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref head, 6), (ushort)length);
                entries[top++] = (storeBase + pos) | DicomValueStore.ImplicitFlag;
            }
            if (tag == PixelRepresentationTag && topLevel) NotePixelRepresentation(vr, buffered.Slice(pos + headerLength, (int)length));
            floor = tag + 1;
            pos += size;
        }
        if (pos > 0)
        {
            // Lands at storeBase: nothing else was stored meanwhile.
            _store.AppendRun(buffered[..pos], origin);
            _reader.Advance(pos);
            _top = top;
            max = floor - 1;
        }
        return needed;
    }

    /// <summary>Explicit VR header forms indexed by the two VR bytes as a little-endian 16-bit number (64 KB, one load per element).</summary>
    private static byte[] BuildVRForms()
    {
        var forms = new byte[65536];
        for (var a = 'A'; a <= 'Z'; a++)
        {
            for (var b = 'A'; b <= 'Z'; b++)
            {
                if (!DicomVRInfo.TryParse((byte)a, (byte)b, out var vr)) continue;
                forms[a | b << 8] = vr == DicomVR.SQ ? Sequence : DicomVRInfo.HasLongLength(vr) ? LongLength : ShortLength;
            }
        }
        return forms;
    }

    private void Push(int record)
    {
        if (_top == _entries.Length) Array.Resize(ref _entries, _entries.Length * 2);
        _entries[_top++] = record;
    }

    private void PushMade(DicomElement element)
    {
        _made ??= [];
        Push(~_made.Count);
        _made.Add(element);
    }

    private uint TagOf(int record) => record >= 0 ? _store.TagAt(record) : _made![~record].Tag.Value;

    /// <summary>After an entry was pushed: notes whether it broke the tag order of the data set starting at <paramref name="first"/>.</summary>
    private void NoteOrder(int first, ref uint max, ref bool unordered)
    {
        var tag = TagOf(_entries[_top - 1]);
        if (_top - 1 > first && tag <= max) unordered = true;
        else max = tag;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void NotePixelRepresentation(DicomVR vr, ReadOnlySpan<byte> value) =>
        _pixelRepresentation = DicomDataset.ToInt32(new DicomDataElement(new DicomTag(PixelRepresentationTag), vr, value.ToArray()), null);

    private void NotePixelRepresentation()
    {
        var record = _entries[_top - 1];
        var element = record < 0 ? _made![~record] as DicomDataElement : _store.Make(record);
        _pixelRepresentation = element is null ? null : DicomDataset.ToInt32(element, null);
    }

    /// <summary>
    /// Moves the entries from <paramref name="first"/> up into a data set of their own: sorted by tag with the last of
    /// any repeats kept (as <see cref="DicomDataset.Set"/> would have left them), elements made so far attached.
    /// </summary>
    private DicomDataset Finish(int first, int madeStart, bool unordered, bool undefinedLength, long streamOffset)
    {
        var span = _entries.AsSpan(first, _top - first);
        if (unordered) span = SortKeepingLast(span);
        var records = span.ToArray();
        DicomElement?[]? made = null;
        if (_made is { } all && all.Count > madeStart)
        {
            for (var i = 0; i < records.Length; i++)
            {
                if (records[i] >= 0) continue;
                made ??= new DicomElement?[records.Length];
                made[i] = all[~records[i]];
            }
        }
        _top = first;
        return new DicomDataset(_store, records, made) { UndefinedLength = undefinedLength, StreamOffset = streamOffset };
    }

    /// <summary>Sorts entries by tag, in place; of entries with the same tag only the last read is kept.</summary>
    private Span<int> SortKeepingLast(Span<int> span)
    {
        // Parse order breaks ties: sort (tag, position) keys, then rebuild.
        var keys = new ulong[span.Length];
        for (var i = 0; i < span.Length; i++) keys[i] = (ulong)TagOf(span[i]) << 32 | (uint)i;
        Array.Sort(keys);
        var copy = span.ToArray();
        var kept = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            if (i + 1 < keys.Length && keys[i + 1] >> 32 == keys[i] >> 32) continue;
            span[kept++] = copy[(int)(uint)keys[i]];
        }
        return span[..kept];
    }

    private bool IsZeroPadding()
    {
        var available = _reader.Buffered;
        var span = _reader.Peek(available);
        foreach (var b in span) if (b != 0) return false;
        return _reader.Remaining <= available;
    }

    private void SkipStrayDelimiter(DicomTag tag, long start)
    {
        _reader.Advance(4);
        var length = _reader.ReadUInt32(_bigEndian);
        if (tag == DicomTag.Item && length != 0xFFFFFFFF)
        {
            Warn(start, tag, $"item outside a sequence, {length} bytes skipped");
            SkipValue(length, start, tag);
        }
        else Warn(start, tag, "delimiter outside a sequence ignored");
    }

    private DicomTag PeekTag()
    {
        var head = _reader.Peek(4);
        ushort group, element;
        if (_bigEndian)
        {
            group = (ushort)(head[0] << 8 | head[1]);
            element = (ushort)(head[2] << 8 | head[3]);
        }
        else
        {
            group = (ushort)(head[0] | head[1] << 8);
            element = (ushort)(head[2] | head[3] << 8);
        }
        return new DicomTag(group, element);
    }

    /// <summary>
    /// Reads one element whose header starts at the current position and pushes its entry. Returns false for nothing
    /// to keep: <paramref name="delimiter"/> is then set when an item or sequence delimiter was met instead of an element.
    /// </summary>
    private bool ReadElement(int depth, out DicomTag? delimiter)
    {
        delimiter = null;
        var start = _reader.Position;
        if (!_reader.TryFill(8)) throw new DicomParseException("unexpected end of data in an element header", start);
        var tag = PeekTag();
        _reader.Advance(4);
        if (tag.Group == 0xFFFE)
        {
            var delimiterLength = _reader.ReadUInt32(_bigEndian);
            if (tag == DicomTag.ItemDelimitationItem || tag == DicomTag.SequenceDelimitationItem)
            {
                if (delimiterLength != 0) Warn(start, tag, $"delimiter with length {delimiterLength}");
                delimiter = tag;
                return false;
            }
            throw new DicomParseException("item tag where a data element was expected", start, tag);
        }

        DicomVR vr;
        uint length;
        var head = _reader.Peek(4);
        if (_explicit && DicomVRInfo.TryParse(head[0], head[1], out vr))
        {
            _reader.Advance(2);
            if (DicomVRInfo.HasLongLength(vr))
            {
                _reader.Advance(2);
                length = _reader.ReadUInt32(_bigEndian);
            }
            else length = _reader.ReadUInt16(_bigEndian);
        }
        else
        {
            if (_explicit)
            {
                // A VR that is not one of the standard's: read the 4 bytes as an implicit VR length.
                Warn(start, tag, $"invalid VR bytes 0x{head[0]:X2}{head[1]:X2}, read as implicit VR");
            }
            vr = ImplicitVR(tag);
            length = _reader.ReadUInt32(_bigEndian);
        }

        var valueOffset = _reader.Position;
        if (length == 0xFFFFFFFF)
        {
            if (tag == PixelDataTag || (vr is DicomVR.OB or DicomVR.OW && tag.Group == 0x7FE0))
            {
                PushMade(ReadFragments(tag, vr, start, valueOffset));
                return true;
            }
            if (vr is DicomVR.SQ or DicomVR.UN || vr == DicomVR.None || !_explicit)
            {
                // An undefined-length UN holds a sequence encoded in implicit VR little endian (PS3.5 §6.2.2).
                var nestedImplicit = vr == DicomVR.UN && _explicit;
                PushMade(ReadSequence(tag, start, valueOffset, undefinedEnd: true, length, depth, nestedImplicit));
                return true;
            }
            throw new DicomParseException($"undefined length on a {DicomVRInfo.Code(vr)} element", start, tag);
        }

        if (vr == DicomVR.SQ) PushMade(ReadSequence(tag, start, valueOffset, undefinedEnd: false, length, depth, false));
        else ReadValue(tag, vr, length, start, valueOffset);
        return true;
    }

    private DicomVR ImplicitVR(DicomTag tag)
    {
        if (tag.IsGroupLength) return DicomVR.UL;
        if (tag.IsPrivate) return tag.IsPrivateCreator ? DicomVR.LO : DicomVR.UN;
        if (!DicomDictionary.TryGetEntry(tag, out var entry)) return DicomVR.UN;
        var vrs = entry.ValueRepresentations;
        if (vrs.Count <= 1) return entry.DefaultVR;
        // Ambiguous VRs (PS3.5 Annex A.1): implicit VR pixel data and LUTs are OW; US/SS follows Pixel Representation.
        foreach (var candidate in vrs) if (candidate == DicomVR.OW) return DicomVR.OW;
        if (vrs.Contains(DicomVR.SS) && vrs.Contains(DicomVR.US))
            return _pixelRepresentation == 1 ? DicomVR.SS : DicomVR.US;
        return entry.DefaultVR;
    }

    private void ReadValue(DicomTag tag, DicomVR vr, uint length, long start, long valueOffset)
    {
        var remaining = _reader.Remaining;
        if (remaining >= 0 && length > remaining)
        {
            Truncated = true;
            Warn(start, tag, $"value length {length} exceeds the {remaining} bytes left; truncated");
            length = (uint)remaining;
        }
        var swapUnit = _bigEndian ? DicomVRInfo.SwapUnit(vr) : 0;
        if (IsBulk(vr, length))
        {
            var source = _reader.CanSeek ? _source : _options.BulkDataSource;
            SkipValue(length, start, tag);
            PushMade(new DicomDataElement(tag, vr, new DicomBulkDataReference(source, valueOffset, length, swapUnit))
            {
                StreamOffset = start, ValueOffset = valueOffset, SourceLength = length,
            });
            return;
        }
        try
        {
            if (length <= StoreValueLimit && _store.HasRoomFor(12 + length))
            {
                var record = _store.AddRecord(tag.Value, vr, (int)(valueOffset - start), length, valueOffset);
                var value = _store.Data.AsSpan(DicomValueStore.ValueStart(record), (int)length);
                _reader.ReadExactly(value);
                if (swapUnit > 1) ByteSwap.InPlace(value, swapUnit);
                Push(record);
                return;
            }
            var bytes = _reader.ReadBytes(length);
            if (swapUnit > 1) ByteSwap.InPlace(bytes, swapUnit);
            PushMade(new DicomDataElement(tag, vr, bytes) { StreamOffset = start, ValueOffset = valueOffset, SourceLength = length });
        }
        catch (EndOfStreamException e)
        {
            throw new DicomParseException($"value of {length} bytes runs past the end of the data", start, tag, e);
        }
    }

    private bool IsBulk(DicomVR vr, long length) => DicomVRInfo.IsBinary(vr) && IsBulk(length);

    private bool IsBulk(long length) =>
        length > _options.BulkDataThreshold && !_inflated && (_reader.CanSeek && _source != null || !_reader.CanSeek);

    private void SkipValue(long length, long start, DicomTag tag)
    {
        try
        {
            _reader.Skip(length);
        }
        catch (EndOfStreamException e)
        {
            throw new DicomParseException($"value of {length} bytes runs past the end of the data", start, tag, e);
        }
    }

    private DicomSequence ReadSequence(DicomTag tag, long start, long valueOffset, bool undefinedEnd, uint length, int depth, bool nestedImplicit)
    {
        if (depth >= _options.MaxDepth)
            throw new DicomParseException($"sequences nested deeper than {_options.MaxDepth} levels", start, tag);
        var end = undefinedEnd ? long.MaxValue : valueOffset + length;
        var remaining = _reader.Remaining;
        if (!undefinedEnd && remaining >= 0 && length > remaining)
            throw new DicomParseException($"sequence length {length} exceeds the {remaining} bytes left", start, tag);

        var savedExplicit = _explicit;
        var savedBigEndian = _bigEndian;
        if (nestedImplicit)
        {
            _explicit = false;
            _bigEndian = false;
        }
        var sequence = new DicomSequence(tag) { UndefinedLength = undefinedEnd, StreamOffset = start, ValueOffset = valueOffset, SourceLength = length };
        try
        {
            while (_reader.Position < end)
            {
                var itemStart = _reader.Position;
                if (!_reader.TryFill(8))
                {
                    if (undefinedEnd)
                    {
                        Truncated = true;
                        Warn(itemStart, tag, "sequence not closed before the end of the data");
                        break;
                    }
                    throw new DicomParseException("unexpected end of data in a sequence", itemStart, tag);
                }
                var itemTag = PeekTag();
                if (itemTag == DicomTag.SequenceDelimitationItem)
                {
                    _reader.Advance(8);
                    if (!undefinedEnd) Warn(itemStart, tag, "sequence delimiter in a defined-length sequence");
                    break;
                }
                if (itemTag != DicomTag.Item)
                {
                    if (undefinedEnd)
                    {
                        // A missing sequence delimiter: the element belongs to the enclosing data set.
                        Warn(itemStart, itemTag, "sequence ended without a delimiter");
                        break;
                    }
                    throw new DicomParseException("expected an item in a sequence", itemStart, itemTag);
                }
                _reader.Advance(4);
                var itemLength = _reader.ReadUInt32(_bigEndian);
                sequence.Add(ReadItem(itemStart, itemLength, end, depth + 1, tag));
            }
            if (!undefinedEnd && _reader.Position != end)
                throw new DicomParseException("sequence items overrun the sequence length", _reader.Position, tag);
        }
        finally
        {
            _explicit = savedExplicit;
            _bigEndian = savedBigEndian;
        }
        return sequence;
    }

    private DicomDataset ReadItem(long itemStart, uint itemLength, long containerEnd, int depth, DicomTag sequenceTag)
    {
        var undefined = itemLength == 0xFFFFFFFF;
        var end = undefined ? long.MaxValue : _reader.Position + itemLength;
        if (!undefined && end > containerEnd)
            throw new DicomParseException($"item length {itemLength} overruns its sequence", itemStart, sequenceTag);
        var remaining = _reader.Remaining;
        if (!undefined && remaining >= 0 && itemLength > remaining)
            throw new DicomParseException($"item length {itemLength} exceeds the {remaining} bytes left", itemStart, sequenceTag);
        var first = _top;
        var madeStart = _made?.Count ?? 0;
        uint max = 0;
        var unordered = false;
        while (_reader.Position < end)
        {
            if (!_bigEndian)
            {
                var top = _top;
                var needed = ReadPlainElements(first, ref max, uint.MaxValue, end, topLevel: false);
                if (needed > 0 && _reader.TryFill(needed)) continue;
                if (_top != top) continue;
            }
            var elementStart = _reader.Position;
            if (undefined && !_reader.TryFill(8))
            {
                Truncated = true;
                Warn(elementStart, sequenceTag, "item not closed before the end of the data");
                break;
            }
            if (_reader.TryFill(4))
            {
                var next = PeekTag();
                if (next == DicomTag.SequenceDelimitationItem || next == DicomTag.Item)
                {
                    // Missing item delimiter: leave the tag for the sequence to read.
                    Warn(elementStart, sequenceTag, "item ended without a delimiter");
                    break;
                }
            }
            if (!ReadElement(depth, out var delimiter))
            {
                if (delimiter == DicomTag.ItemDelimitationItem)
                {
                    if (!undefined) Warn(elementStart, sequenceTag, "item delimiter in a defined-length item");
                    break;
                }
                continue;
            }
            var tag = TagOf(_entries[_top - 1]);
            if (_top - 1 > first && max >= tag)
            {
                // Which of the two it is takes a scan of the item so far: bounded, so that a hostile item stays linear.
                string message;
                if (_top - first > 1024) message = "element out of tag order or repeated in an item";
                else
                {
                    var repeated = false;
                    for (var i = first; i < _top - 1 && !repeated; i++) repeated = TagOf(_entries[i]) == tag;
                    message = repeated ? "element repeated in an item; the last one is kept" : "element out of tag order in an item";
                }
                Warn(elementStart, new DicomTag(tag), message);
            }
            NoteOrder(first, ref max, ref unordered);
        }
        if (!undefined && _reader.Position != end)
            throw new DicomParseException("item elements overrun the item length", _reader.Position, sequenceTag);
        return Finish(first, madeStart, unordered, undefined, itemStart);
    }

    private DicomFragmentSequence ReadFragments(DicomTag tag, DicomVR vr, long start, long valueOffset)
    {
        var fragments = new DicomFragmentSequence(tag, vr == DicomVR.OW ? DicomVR.OW : DicomVR.OB)
        {
            StreamOffset = start, ValueOffset = valueOffset, SourceLength = 0xFFFFFFFF,
        };
        var first = true;
        while (true)
        {
            var itemStart = _reader.Position;
            if (!_reader.TryFill(8))
            {
                Truncated = true;
                Warn(itemStart, tag, "encapsulated pixel data not closed before the end of the data");
                break;
            }
            var itemTag = PeekTag();
            _reader.Advance(4);
            var length = _reader.ReadUInt32(_bigEndian);
            if (itemTag == DicomTag.SequenceDelimitationItem) break;
            if (itemTag != DicomTag.Item)
                throw new DicomParseException("expected a fragment item in encapsulated pixel data", itemStart, itemTag);
            if (length == 0xFFFFFFFF)
                throw new DicomParseException("fragment with undefined length", itemStart, tag);
            var remaining = _reader.Remaining;
            if (remaining >= 0 && length > remaining)
            {
                Truncated = true;
                Warn(itemStart, tag, $"fragment length {length} exceeds the {remaining} bytes left; truncated");
                length = (uint)remaining;
            }
            var fragmentOffset = _reader.Position;
            if (first)
            {
                first = false;
                if (length % 4 != 0) throw new DicomParseException($"basic offset table length {length} is not a multiple of 4", itemStart, tag);
                var table = ReadBytesOrThrow(length, itemStart, tag);
                var offsets = new uint[length / 4];
                for (var i = 0; i < offsets.Length; i++)
                    offsets[i] = _bigEndian
                        ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(table.AsSpan(i * 4))
                        : System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(i * 4));
                fragments.BasicOffsetTable = offsets;
                continue;
            }
            // Fragments are only ever needed as positions (frames are served from the file), so with a
            // re-readable source none is loaded, whatever the threshold.
            if (IsBulk(length) || (_reader.CanSeek && _source != null && !_inflated && length > 0))
            {
                var source = _reader.CanSeek ? _source : _options.BulkDataSource;
                SkipValue(length, itemStart, tag);
                fragments.Fragments.Add(new DicomFragment(new DicomBulkDataReference(source, fragmentOffset, length)));
            }
            else
            {
                fragments.Fragments.Add(new DicomFragment(ReadBytesOrThrow(length, itemStart, tag)) { StreamOffset = fragmentOffset });
            }
        }
        return fragments;
    }

    private byte[] ReadBytesOrThrow(long length, long start, DicomTag tag)
    {
        try
        {
            return _reader.ReadBytes(length);
        }
        catch (EndOfStreamException e)
        {
            throw new DicomParseException($"value of {length} bytes runs past the end of the data", start, tag, e);
        }
    }

    private void Warn(long offset, DicomTag? tag, string message) => _warnings.Add(new DicomReadWarning(offset, tag, message));
}
