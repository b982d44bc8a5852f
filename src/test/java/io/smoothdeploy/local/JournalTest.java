package io.smoothdeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class JournalTest {

    @Test
    void keepsTheNewestEntriesUpToItsLimitOldestFirst() {
        Journal<String> journal = new Journal<>();
        journal.limit(2);

        journal.add("a");
        journal.add("b");
        journal.add("c");

        assertEquals(List.of("b", "c"), journal.entries());
    }

    @Test
    void aLowerLimitDropsTheOldestAtOnceAndALimitBelowOneIsRefused() {
        Journal<Integer> journal = new Journal<>();
        for (int i = 1; i <= 5; i++) {
            journal.add(i);
        }

        journal.limit(3);

        assertEquals(List.of(3, 4, 5), journal.entries());
        assertThrows(IllegalArgumentException.class, () -> journal.limit(0));
        assertEquals(3, journal.size(), "a refused limit changes nothing");
    }
}
