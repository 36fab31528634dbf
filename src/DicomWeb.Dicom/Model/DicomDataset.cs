using System.Collections;

namespace DicomWeb.Dicom;

/// <summary>
/// An ordered set of elements: a whole data set, a file meta group or a sequence item.
/// Elements are kept sorted by tag; appending in tag order (as a parser does) costs O(1).
/// </summary>
/// <remarks>
/// A parsed data set starts in a compact form: a table of 4-byte references to the element records in the bytes of
/// the parse, with no object per element. Reading an element makes it once and keeps it; <see cref="Count"/>,
/// <see cref="Contains"/> and look-ups by tag make nothing. The first change (<see cref="Set"/>, <see cref="Remove"/>
/// of a present tag) turns the data set into a plain list of elements.
/// </remarks>
public sealed class DicomDataset : IEnumerable<DicomElement>
{
    // The list form; null while the data set is still in the parsed table form below.
    private List<DicomElement>? _elements;
    // Record references into the store, in tag order (see DicomValueStore).
    private int[] _records = [];
    private DicomElement?[]? _made;
    private DicomValueStore? _store;
    private DicomCharacterSet? _characterSet;

    /// <summary>Creates an empty data set.</summary>
    public DicomDataset() => _elements = [];

    /// <summary>Creates a data set holding the given elements.</summary>
    public DicomDataset(IEnumerable<DicomElement> elements)
    {
        _elements = [];
        foreach (var element in elements) Set(element);
    }

    /// <summary>
    /// A parsed data set: <paramref name="records"/> in tag order with no repeated tag; <paramref name="made"/> holds,
    /// at the same index, the elements the parser made itself (null elsewhere), or is null when it made none.
    /// </summary>
    internal DicomDataset(DicomValueStore store, int[] records, DicomElement?[]? made)
    {
        _store = store;
        _records = records;
        _made = made;
        if (made is null) return;
        foreach (var element in made)
            if (element is DicomSequence sequence) Adopt(sequence);
    }

    /// <summary>The data set this one is an item of (for character set inheritance), or null.</summary>
    public DicomDataset? Parent { get; set; }

    /// <summary>True when this item was encoded with undefined length in its source.</summary>
    public bool UndefinedLength { get; init; }

    /// <summary>Offset of the item header in the source, or -1.</summary>
    public long StreamOffset { get; init; } = -1;

    /// <summary>Number of elements.</summary>
    public int Count => _elements?.Count ?? _records.Length;

    /// <summary>The element at position <paramref name="index"/> in tag order.</summary>
    public DicomElement this[int index]
    {
        get
        {
            if (_elements is { } elements) return elements[index];
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_records.Length, nameof(index));
            return ElementAt(index);
        }
    }

    /// <summary>The element of entry <paramref name="index"/>, made on first use.</summary>
    private DicomElement ElementAt(int index)
    {
        var made = _made;
        if (made is null)
        {
            // Readers on several threads may race here; whichever array wins, every element is made from the same bytes.
            made = new DicomElement?[_records.Length];
            made = Interlocked.CompareExchange(ref _made, made, null) ?? made;
        }
        return made[index] ??= _store!.Make(_records[index]);
    }

    /// <summary>
    /// The value bytes of a primitive element, without making the element when it is still a table entry
    /// (for the reader's own look-ups, e.g. the transfer syntax). False when absent or not a primitive value in memory.
    /// </summary>
    internal bool TryGetValueBytes(DicomTag tag, out ReadOnlySpan<byte> value)
    {
        value = default;
        var index = IndexOf(tag);
        if (index < 0) return false;
        if (_elements is null && _made?[index] is null && _records[index] >= 0)
        {
            value = _store!.ValueOf(_records[index]);
            return true;
        }
        if (this[index] is not DicomDataElement { BulkData: null, Text: null } element) return false;
        value = element.Bytes.Span;
        return true;
    }

    /// <summary>Turns the parsed table form into the list form (before a change).</summary>
    private List<DicomElement> Elements()
    {
        if (_elements is { } elements) return elements;
        var list = new List<DicomElement>(_records.Length);
        for (var i = 0; i < _records.Length; i++) list.Add(ElementAt(i));
        _elements = list;
        _records = [];
        _made = null;
        _store = null;
        return list;
    }

    private void Adopt(DicomSequence sequence)
    {
        sequence.Owner = this;
        foreach (var item in sequence.Items) item.Parent = this;
    }

    /// <summary>
    /// The character set for this data set's strings: its own Specific Character Set, else the one it inherits
    /// from the data set it is nested in (PS3.5 §7.5.3), else the default repertoire.
    /// </summary>
    public DicomCharacterSet CharacterSet
    {
        get
        {
            if (_characterSet is not null) return _characterSet;
            if (TryGet<DicomDataElement>(DicomTags.SpecificCharacterSet, out var element))
                return _characterSet = DicomCharacterSet.FromTerms(SplitTerms(element));
            return Parent?.CharacterSet ?? DicomCharacterSet.Default;
        }
    }

    private static string[] SplitTerms(DicomDataElement element)
    {
        // Terms are ASCII; keep an empty first value (meaning "ISO 2022 with the default G0").
        var raw = element.Text ?? System.Text.Encoding.Latin1.GetString(element.GetBytes().Span);
        var terms = raw.Split('\\');
        for (var i = 0; i < terms.Length; i++) terms[i] = terms[i].Trim(' ', '\0');
        return terms;
    }

    /// <summary>Adds or replaces an element, keeping tag order.</summary>
    public void Set(DicomElement element)
    {
        if (element.Tag == DicomTags.SpecificCharacterSet) _characterSet = null;
        if (element is DicomSequence sequence) Adopt(sequence);
        var elements = Elements();
        var count = elements.Count;
        if (count == 0 || elements[count - 1].Tag < element.Tag)
        {
            elements.Add(element);
            return;
        }
        var index = IndexOf(element.Tag);
        if (index >= 0) elements[index] = element;
        else elements.Insert(~index, element);
    }

    /// <summary>Removes the element with this tag; true if one was there.</summary>
    public bool Remove(DicomTag tag)
    {
        var index = IndexOf(tag);
        if (index < 0) return false;
        Elements().RemoveAt(index);
        if (tag == DicomTags.SpecificCharacterSet) _characterSet = null;
        return true;
    }

    /// <summary>True when an element with this tag is present.</summary>
    public bool Contains(DicomTag tag) => IndexOf(tag) >= 0;

    /// <summary>The element with this tag, or null.</summary>
    public DicomElement? Get(DicomTag tag)
    {
        var index = IndexOf(tag);
        if (index < 0) return null;
        return _elements is { } elements ? elements[index] : ElementAt(index);
    }

    /// <summary>Gets the element with this tag when it is of type <typeparamref name="T"/>.</summary>
    public bool TryGet<T>(DicomTag tag, out T element) where T : DicomElement
    {
        if (Get(tag) is T found)
        {
            element = found;
            return true;
        }
        element = null!;
        return false;
    }

    /// <summary>The whole value of a string element, decoded and trimmed; null when absent or not a primitive value.</summary>
    public string? GetString(DicomTag tag) =>
        TryGet<DicomDataElement>(tag, out var element) ? element.GetString(CharacterSet) : null;

    /// <summary>The values of a string element split on backslash; empty when absent.</summary>
    public string[] GetStrings(DicomTag tag) =>
        TryGet<DicomDataElement>(tag, out var element) ? element.GetStrings(CharacterSet) : [];

    /// <summary>The first value of a string element, or null when absent or empty.</summary>
    public string? GetFirstString(DicomTag tag)
    {
        var values = GetStrings(tag);
        return values.Length > 0 ? values[0] : null;
    }

    /// <summary>
    /// The first value of an integer-like element as an int: US, SS, UL, SL, SV, UV or IS.
    /// Null when absent, empty or not a number.
    /// </summary>
    public int? GetInt32(DicomTag tag) =>
        TryGet<DicomDataElement>(tag, out var element) ? ToInt32(element, this) : null;

    /// <summary>The first value of an integer-like element as an int, as <see cref="GetInt32"/> reads it; text decoded in <paramref name="dataset"/>'s character set.</summary>
    internal static int? ToInt32(DicomDataElement element, DicomDataset? dataset)
    {
        if (element.IsEmpty) return null;
        switch (element.VR)
        {
            case DicomVR.US: { var v = element.GetValues<ushort>(); return v.Length > 0 ? v[0] : null; }
            case DicomVR.SS: { var v = element.GetValues<short>(); return v.Length > 0 ? v[0] : null; }
            case DicomVR.UL: { var v = element.GetValues<uint>(); return v.Length > 0 && v[0] <= int.MaxValue ? (int)v[0] : null; }
            case DicomVR.SL: { var v = element.GetValues<int>(); return v.Length > 0 ? v[0] : null; }
            case DicomVR.SV: { var v = element.GetValues<long>(); return v.Length > 0 && v[0] is >= int.MinValue and <= int.MaxValue ? (int)v[0] : null; }
            case DicomVR.UV: { var v = element.GetValues<ulong>(); return v.Length > 0 && v[0] <= int.MaxValue ? (int)v[0] : null; }
            default:
                var text = element.GetStrings(dataset?.CharacterSet);
                return text.Length > 0 && int.TryParse(text[0], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                    ? parsed : null;
        }
    }

    /// <summary>The items of a sequence; empty when absent.</summary>
    public IReadOnlyList<DicomDataset> GetSequence(DicomTag tag) =>
        TryGet<DicomSequence>(tag, out var sequence) ? sequence.Items : [];

    /// <summary>Adds or replaces a string element built from text values.</summary>
    public DicomDataset SetStrings(DicomTag tag, DicomVR vr, params string[] values)
    {
        Set(DicomDataElement.FromStrings(tag, vr, values));
        return this;
    }

    private int IndexOf(DicomTag tag)
    {
        var key = tag.Value;
        if (_elements is { } elements)
        {
            int lo = 0, hi = elements.Count - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var value = elements[mid].Tag.Value;
                if (value == key) return mid;
                if (value < key) lo = mid + 1;
                else hi = mid - 1;
            }
            return ~lo;
        }
        else
        {
            var records = _records;
            int lo = 0, hi = records.Length - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var record = records[mid];
                // Elements the parser made are in _made from the start.
                var value = record >= 0 ? _store!.TagAt(record) : _made![mid]!.Tag.Value;
                if (value == key) return mid;
                if (value < key) lo = mid + 1;
                else hi = mid - 1;
            }
            return ~lo;
        }
    }

    /// <inheritdoc />
    public IEnumerator<DicomElement> GetEnumerator() => _elements is { } elements ? elements.GetEnumerator() : EnumerateParsed();

    private IEnumerator<DicomElement> EnumerateParsed()
    {
        var count = _records.Length;
        for (var i = 0; i < count; i++)
        {
            // As a list enumerator would: a change during enumeration is an error, not a silent skip.
            if (_elements is not null) throw new InvalidOperationException("The data set was changed during enumeration.");
            yield return ElementAt(i);
        }
    }
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
