/** Search input shared by the services that offer full-text search (channel, rooms): the checked query text. */
package dev.parley.platform.search;
